import Foundation

/// A list of values for a sweep, written as "0.001,0.002,0.004", as a geometric range
/// "0.001:0.128:x2" (×2 from 0.001 up to 0.128), or an arithmetic one "0.032:0.064:+0.004".
public enum ValueList {
    public struct ParseError: Error, CustomStringConvertible {
        public var text: String
        public var description: String {
            "'\(text)' is not a list or range of numbers: write 0.001,0.002,0.004 or 0.001:0.128:x2 (×2 steps) or 0.032:0.064:+0.004"
        }
    }

    /// The values `text` describes, in order. Ranges include their end when a step lands on it
    /// (within rounding), and hold at most 1,000 values.
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
            while value <= stop * (1 + 1e-9) && values.count < 1000 {
                values.append(value)
                value *= step
            }
        case "+":
            guard step > 0, stop >= start else { throw ParseError(text: text) }
            var index = 0.0
            while value <= stop + slack && values.count < 1000 {
                // Rounded to 12 decimals, so 0.032 + 2 × 0.004 prints as 0.04 (where that is finite).
                let rounded = (value * 1e12).rounded() / 1e12
                values.append(rounded.isFinite ? rounded : value)
                index += 1
                value = start + index * step
            }
        default:
            throw ParseError(text: text)
        }
        return values
    }
}
