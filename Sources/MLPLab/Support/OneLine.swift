/// A name (a file, a folder, a class) as shown inside one line: an error message, a table cell, a
/// chart label, a Markdown or HTML line.
///
/// File and class names come from the user's disk and may hold anything but "/" and NUL: a
/// newline would split a one-line error and break summary.md's table, an escape sequence would
/// drive the terminal, and most control characters are not even allowed in XML (an SVG with one
/// does not open). So every character that breaks, hides or reorders a line is written as a
/// visible escape, the way Python's `repr` does: `\n`, `\t`, `\r`, `\x1b`, `\u2028`. Everything
/// else is kept, backslashes too, so an ordinary name reads as typed (the price: a name holding a
/// literal "\n" reads like one holding a newline).
public enum OneLine {
    /// `text` with line breaks, control characters and bidirectional overrides escaped.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) { result += escape(scalar.value) } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// A name read from the disk as bytes: valid UTF-8 is decoded (and escaped as above), every
    /// byte of an invalid sequence becomes `\xNN`, so a name that is not UTF-8 can still be shown
    /// and told apart from its neighbours.
    public static func escaped(bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return escaped(text) }
        var result = ""
        var rest = Array(bytes)[...]
        while !rest.isEmpty {
            // The longest prefix (up to 4 bytes) that is one valid scalar, else one raw byte.
            if let length = (1...min(4, rest.count)).first(where: { String(validating: rest.prefix($0), as: UTF8.self)?.unicodeScalars.count == 1 }) {
                result += escaped(String(decoding: rest.prefix(length), as: UTF8.self))
                rest = rest.dropFirst(length)
            } else {
                result += escape(UInt32(rest.removeFirst()))
            }
        }
        return result
    }

    /// Control characters (C0, DEL, C1), line and paragraph separators, and the invisible marks
    /// that reorder text (bidirectional embeddings, overrides and isolates).
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    static func escape(_ value: UInt32) -> String {
        switch value {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0..<0x100: return "\\x" + hex(value, digits: 2)
        default: return "\\u" + hex(value, digits: 4)
        }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
