import Foundation

/// One condition of `mlplab runs`' filter: a key (see `StoredRun.value(for:)`), an operator and
/// a value, e.g. `lr=0.05` or `test_accuracy>0.88`.
///
/// `=` and `!=` compare as numbers when the run's value and the given one are both numbers (0.05
/// equals 0.050), otherwise as text (`activation=relu`, `nesterov=true`, `status!=damaged`, and
/// for a list, its items joined by commas: `hidden=588,392,196`, or `hidden=588-392-196`).
/// `<`, `>`, `<=` and `>=` order numbers only: the given value must be a finite number (`1e-3`,
/// `.5`, `-2`), and a run whose value is not a number matches none of them, since ordering
/// `relu` or a list as text would answer a question nobody asked. A run that has no value for
/// the key (an unfinished run's `test_accuracy`) matches no condition on it, not even `!=`.
public struct RunCondition: Equatable, Sendable {
    /// How a value is compared with the given one.
    public enum Operator: String, CaseIterable, Sendable {
        case equal = "=", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="

        /// Whether this operator orders numbers (`<`, `>`, `<=`, `>=`) rather than testing equality.
        public var ordersNumbers: Bool { self != .equal && self != .notEqual }
    }

    public var key: String
    public var comparison: Operator
    public var value: String

    /// A condition from its text, "KEY OP VALUE" (spaces around the parts are ignored, `==` is `=`);
    /// throws `RunQueryError.malformedCondition` without a key, an operator or a value, and
    /// `RunQueryError.notANumber` when `<`, `>`, `<=` or `>=` is given anything but a finite
    /// number (a word, `nan`, `inf`, two numbers).
    public init(parsing text: String) throws {
        guard let start = text.firstIndex(where: { "=!<>".contains($0) }) else { throw RunQueryError.malformedCondition(text) }
        let rest = text[start...]
        let symbol = rest.prefix { "=!<>".contains($0) }
        let spelled = symbol == "==" ? "=" : String(symbol)
        guard let comparison = Operator(rawValue: spelled) else { throw RunQueryError.malformedCondition(text) }
        key = text[..<start].trimmingCharacters(in: .whitespaces)
        value = rest.dropFirst(symbol.count).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, !value.isEmpty else { throw RunQueryError.malformedCondition(text) }
        if comparison.ordersNumbers, Double(value)?.isFinite != true {
            throw RunQueryError.notANumber(text, value: value)
        }
        self.comparison = comparison
    }

    /// Whether `run` meets the condition.
    public func matches(_ run: StoredRun) -> Bool {
        guard let stored = run.value(for: key) else { return false }
        if comparison.ordersNumbers {
            // Text, a list or a value that is no number (set after parsing) has no place in an order.
            guard case let .number(number) = stored, !number.isNaN, Double(value).map({ !$0.isNaN }) == true else { return false }
        }
        var given = value
        if case .list = stored { given = given.replacingOccurrences(of: "-", with: ",") }
        let order = Self.order(stored, given)
        switch comparison {
        case .equal: return order == .orderedSame
        case .notEqual: return order != .orderedSame
        case .less: return order == .orderedAscending
        case .greater: return order == .orderedDescending
        case .lessOrEqual: return order != .orderedDescending
        case .greaterOrEqual: return order != .orderedAscending
        }
    }

    /// How `stored` orders against `given`: numerically when both are numbers, else as text.
    static func order(_ stored: JSONValue, _ given: String) -> ComparisonResult {
        if case let .number(number) = stored, let other = Double(given), !number.isNaN, !other.isNaN {
            return number < other ? .orderedAscending : number > other ? .orderedDescending : .orderedSame
        }
        let text = stored.description
        return text < given ? .orderedAscending : text > given ? .orderedDescending : .orderedSame
    }
}
