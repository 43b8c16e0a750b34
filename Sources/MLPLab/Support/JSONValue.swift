import Foundation

/// Any JSON value, as a file spells it: read by `mlplab runs` to reach any key path of config.json
/// or result.json (`training.optimizer.nesterov`) and to print those files' objects again unchanged.
///
/// Read it with `JSONValue.read` (see JSONValue+Parsing.swift), or decode it with a plain
/// `JSONDecoder` (no key strategy), so keys keep the file's snake_case; true and false stay
/// flags, never the numbers 1 and 0.
public enum JSONValue: Codable, Equatable, Sendable, CustomStringConvertible {
    case null
    case flag(Bool)
    case number(Double)
    case text(String)
    case list([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .text(text) }
        else if let list = try? container.decode([JSONValue].self) { self = .list(list) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .flag(flag): try container.encode(flag)
        case let .number(number): try container.encode(number)
        case let .text(text): try container.encode(text)
        case let .list(list): try container.encode(list)
        case let .object(object): try container.encode(object)
        }
    }

    /// The value as one line of JSON with sorted keys, slashes unescaped: what `mlplab runs` prints as
    /// JSON. Written here rather than by `JSONEncoder`, which took most of the time of printing
    /// a thousand runs; numbers print as `description` does (whole ones without ".0"), which
    /// reads back to the same double.
    public var line: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .null: text += "null"
        case let .flag(flag): text += flag ? "true" : "false"
        case let .number(number): text += number.isFinite ? description : "null"
        case let .text(value): Self.writeString(value, to: &text)
        case let .list(list):
            text += "["
            for (index, item) in list.enumerated() {
                if index > 0 { text += "," }
                item.write(to: &text)
            }
            text += "]"
        case let .object(object):
            text += "{"
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                Self.writeString(key, to: &text)
                text += ":"
                object[key]!.write(to: &text)
            }
            text += "}"
        }
    }

    /// `value` as a JSON string: quotes, backslashes and control characters escaped.
    private static func writeString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                text += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// Every leaf as "dotted.key" → value: objects are walked, a list of plain values is one leaf
    /// (`model.hidden_sizes`), a list holding objects or lists (`epochs`, `test_confusion`) is left out.
    public var leaves: [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case let .object(object):
                for (key, child) in object { walk(child, path.isEmpty ? key : path + "." + key) }
            case let .list(list):
                if !list.contains(where: { if case .object = $0 { return true }; if case .list = $0 { return true }; return false }) {
                    result[path] = value
                }
            default: result[path] = value
            }
        }
        walk(self, "")
        return result
    }

    /// The value at `key` of an object; nil for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case let .object(object) = self { return object[key] }
        return nil
    }

    /// The value as a person types it: 0.05, 64, true, relu, 588,392,196 (a list's items joined
    /// by commas), null.
    public var description: String {
        switch self {
        case .null: return "null"
        case let .flag(flag): return flag ? "true" : "false"
        case let .number(number):
            return number.rounded() == number && number.magnitude < 1e15 ? String(Int64(number)) : "\(number)"
        case let .text(text): return text
        case let .list(list): return list.map(\.description).joined(separator: ",")
        case .object: return line
        }
    }
}
