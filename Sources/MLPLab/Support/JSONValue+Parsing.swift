import Foundation

/// Reading JSON text into a ``JSONValue``: a small recursive-descent parser over the bytes.
///
/// Written rather than borrowed because neither Foundation reader fits: `JSONSerialization` on
/// Linux rounds some numbers (0.2742119330054408 came back 0.27421193300544067, so the tool's JSON
/// would not print result.json's values), and decoding through `init(from:)` tries each kind in
/// turn, throwing for every miss, which made listing a thousand run folders take seconds.
/// Numbers go through `Double(String)`, which rounds correctly.
extension JSONValue {
    /// The value read from JSON bytes as they are (keys untouched); throws
    /// `DecodingError.dataCorrupted` for text that is not one JSON value.
    public static func read(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw in
            var parser = JSONValueParser(bytes: raw.bindMemory(to: UInt8.self))
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.position == parser.bytes.count else { throw parser.failure("text after the value") }
            return value
        }
    }
}

/// The parser's state: the bytes and where it is in them.
private struct JSONValueParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func failure(_ what: String) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: "not valid JSON: \(what) at byte \(position)"))
    }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    /// Consumes `word` (true, false, null) or throws.
    mutating func expect(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              (0..<count).allSatisfy({ bytes[position + $0] == word.utf8Start[$0] }) else { throw failure("an unknown word") }
        position += count
    }

    /// One value; `depth` bounds nesting so that a hostile file cannot exhaust the stack.
    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw failure("nesting too deep") }
        skipSpace()
        guard position < bytes.count else { throw failure("the end of the text") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var object: [String: JSONValue] = [:]
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("a missing ':'") }
                position += 1
                object[key] = try value(depth: depth + 1)
                skipSpace()
                guard position < bytes.count else { throw failure("an unclosed object") }
                position += 1
                if bytes[position - 1] == UInt8(ascii: "}") { return .object(object) }
                guard bytes[position - 1] == UInt8(ascii: ",") else { throw failure("a missing ','") }
            }
        case UInt8(ascii: "["):
            position += 1
            var list: [JSONValue] = []
            skipSpace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .list(list) }
            while true {
                list.append(try value(depth: depth + 1))
                skipSpace()
                guard position < bytes.count else { throw failure("an unclosed list") }
                position += 1
                if bytes[position - 1] == UInt8(ascii: "]") { return .list(list) }
                guard bytes[position - 1] == UInt8(ascii: ",") else { throw failure("a missing ','") }
            }
        case UInt8(ascii: "\""): return .text(try string())
        case UInt8(ascii: "t"): try expect("true"); return .flag(true)
        case UInt8(ascii: "f"): try expect("false"); return .flag(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return .number(try number())
        }
    }

    /// A number as JSON writes it, converted by `Double(String)` (correctly rounded).
    mutating func number() throws -> Double {
        let start = position
        while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
        guard position > start, let number = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)),
              number.isFinite else { position = start; throw failure("not a number") }
        return number
    }

    /// A string, its escapes (\" \\ \/ \b \f \n \r \t \uXXXX, surrogate pairs) resolved.
    mutating func string() throws -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("a missing string") }
        position += 1
        var text: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw failure("an unfinished escape") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                       bytes[position + 1] == UInt8(ascii: "u") {
                        position += 2
                        let low = try hex4()
                        scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                    }
                    text.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                default: text.append(escape)
                }
            default: text.append(byte)
            }
        }
        throw failure("an unclosed string")
    }

    /// Four hex digits of a \u escape.
    mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count,
              let value = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<position + 4]), as: UTF8.self), radix: 16)
        else { throw failure("a bad \\u escape") }
        position += 4
        return value
    }
}
