import Foundation

/// A list of values for a sweep, written as "0.001,0.002,0.004", as a geometric range
/// "0.001:0.128:x2" (×2 from 0.001 up to 0.128), or an arithmetic one "0.032:0.064:+0.004".
public enum ValueList {
    /// Text that is not a list or range of numbers, or a range refused for a reason.
    public struct ParseError: Error, CustomStringConvertible {
        /// The text as given.
        public var text: String
        /// What is wrong with a well-formed range (too many values, a step too small), or nil.
        public var reason: String?
        /// An error for `text`; `reason` nil means it does not parse at all.
        public init(text: String, reason: String? = nil) {
            self.text = text
            self.reason = reason
        }
        /// The reason, or else the three forms a list can take.
        public var description: String {
            if let reason { return "'\(text)': \(reason)" }
            return "'\(text)' is not a list or range of numbers: write 0.001,0.002,0.004 or 0.001:0.128:x2 (×2 steps) or 0.032:0.064:+0.004"
        }
    }

    /// The most values a range may hold.
    public static let maximumCount = 1000

    /// The values `text` describes, in order. Ranges include their end when a step lands on it
    /// (within rounding); a range of more than 1,000 values, or whose step is too small to change
    /// the value, is refused with the reason.
    public static func parse(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 1 {
            let values = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0?.isFinite == true }) else { throw ParseError(text: text) }
            return values.map { $0! }
        }
        guard parts.count == 3, let start = Double(parts[0]), let stop = Double(parts[1]), start.isFinite, stop.isFinite,
              let kind = parts[2].first, let step = Double(parts[2].dropFirst()), step.isFinite else { throw ParseError(text: text) }
        // Every value lies between start and stop, so a range of finite ends has finite values.
        var values: [Double] = []
        var value = start
        let slack = 1e-9 * max(abs(start), abs(stop), 1)
        switch kind {
        case "x", "×", "*":
            guard step > 1, start > 0, stop >= start else { throw ParseError(text: text) }
            while value <= stop * (1 + 1e-9) {
                guard values.count < maximumCount else { throw tooMany(text) }
                values.append(value)
                value *= step
            }
        case "+":
            guard step > 0, stop >= start else { throw ParseError(text: text) }
            var index = 0.0
            while value <= stop + slack {
                guard values.count < maximumCount else { throw tooMany(text) }
                // Rounded to 12 decimals, so 0.032 + 2 × 0.004 prints as 0.04 (where that is finite).
                let rounded = (value * 1e12).rounded() / 1e12
                values.append(rounded.isFinite ? rounded : value)
                index += 1
                let next = start + index * step
                if next <= value {  // the step is below the values' precision
                    if value >= stop - slack { break }  // the end is reached anyway
                    throw ParseError(text: text, reason: "the step is too small to change the value at this size; use a larger step")
                }
                value = next
            }
        default:
            throw ParseError(text: text)
        }
        return values
    }

    private static func tooMany(_ text: String) -> ParseError {
        ParseError(text: text, reason: "the range holds more than \(maximumCount) values; use a larger step or a shorter range")
    }
}
