import Foundation

/// Saying what is wrong with a stored JSON file in the file's own words: keys as it spells them
/// ('training.batch_size', not the Swift property 'training.batchSize'), and the key of a number
/// that does not fit, which the decoder loses.
extension JSONCoding {
    /// What is wrong with `data` as a `type`, given the `error` decoding it threw, in a few words
    /// naming the key: "no 'training.seed'", "'training.threads' must be a whole number (got 1.5)".
    ///
    /// Foundation's decoder reports a number that does not fit its property (1.5 or 1e300 for an
    /// Int, -1 for a UInt64) as "not valid JSON" with no key, so when the text is valid JSON each
    /// such number is replaced by 1 in turn and the file decoded again: the one whose replacement
    /// makes that error go away is the culprit. This only runs on a file that failed to decode.
    public static func problem<T: Decodable>(decoding type: T.Type, from data: Data, error: any Error) -> String {
        if case let .dataCorrupted(context)? = error as? DecodingError, context.codingPath.isEmpty,
           let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
            for (path, number) in unfitNumbers(in: object, path: []) {
                guard let replaced = try? JSONSerialization.data(withJSONObject: replacing(path, in: object, with: 1), options: [.fragmentsAllowed])
                else { continue }
                var fixed = false
                do { _ = try decode(type, from: replaced); fixed = true } catch let other {
                    if case let .dataCorrupted(context)? = other as? DecodingError, context.codingPath.isEmpty {} else { fixed = true }
                }
                if fixed {
                    let range = number.rounded() == number ? " in range" : ""
                    return "'\(dotted(path))' must be a whole number\(range) (got \(number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : "\(number)"))"
                }
            }
            return "a number does not fit its key"
        }
        return problem(error)
    }

    /// `problem(decoding:from:error:)` without the data: the key (as the file spells it) and
    /// what was wrong, as far as `error` says.
    public static func problem(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func key(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            dotted((context.codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { $0 as Any } ?? snakeCase($0.stringValue) })
        }
        switch error {
        case let .keyNotFound(missing, context): return "no '\(key(context, missing))'"
        case let .valueNotFound(_, context): return "'\(key(context))' is null"
        case let .typeMismatch(type, context): return "'\(key(context))' must be \(kind(type))"
        case let .dataCorrupted(context):
            guard !context.codingPath.isEmpty else { return "not valid JSON" }
            // Foundation says "Cannot initialize T from invalid String value x": name x, its
            // start only when long (an edited file may hold any text there).
            let marker = "from invalid String value "
            let given = context.debugDescription.range(of: marker).map { range -> String in
                let value = context.debugDescription[range.upperBound...]
                let shown = value.count <= 40 ? String(value) : value.prefix(40) + "…"
                return " (got '\(OneLine.escaped(shown))')"
            }
            return "'\(key(context))' is not one of the values it may have\(given ?? "")"
        @unknown default: return "\(error)"
        }
    }

    /// "a whole number", "text", … for the type a key should hold.
    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type, is UInt32.Type: return "a whole number"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "text"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "of another type"
        }
    }

    /// "batchSize" → "batch_size": a Swift property's name as the JSON encoder writes it.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase, !result.isEmpty { result += "_" }
            result += character.lowercased()
        }
        return result
    }

    /// ["epochs", 2, "loss"] → "epochs[2].loss".
    static func dotted(_ path: [Any]) -> String {
        path.reduce("") { text, part in
            if let index = part as? Int { return text + "[\(index)]" }
            return text.isEmpty ? "\(part)" : text + ".\(part)"
        }
    }

    /// The numbers in a parsed JSON value that no whole-number property can hold as written
    /// (fractional, beyond Int64, or negative), with their paths (keys and list indices).
    private static func unfitNumbers(in value: Any, path: [Any]) -> [([Any], Double)] {
        if let map = value as? [String: Any] {
            return map.keys.sorted().flatMap { unfitNumbers(in: map[$0]!, path: path + [$0]) }
        }
        if let list = value as? [Any] {
            return list.enumerated().flatMap { unfitNumbers(in: $1, path: path + [$0]) }
        }
        guard !(value is String), let number = (value as? NSNumber)?.doubleValue else { return [] }
        return number.rounded() != number || number < 0 || abs(number) >= 0x1p63 ? [(path, number)] : []
    }

    /// `value` with the element at `path` replaced by `replacement`.
    private static func replacing(_ path: [Any], in value: Any, with replacement: Any) -> Any {
        guard let first = path.first else { return replacement }
        let rest = Array(path.dropFirst())
        if let key = first as? String, var map = value as? [String: Any], let child = map[key] {
            map[key] = replacing(rest, in: child, with: replacement)
            return map
        }
        if let index = first as? Int, var list = value as? [Any], list.indices.contains(index) {
            list[index] = replacing(rest, in: list[index], with: replacement)
            return list
        }
        return value
    }
}
