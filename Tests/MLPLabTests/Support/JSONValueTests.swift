import Foundation
import MLPLab
import Testing

/// `JSONValue.read`: what `mlplab runs` uses to reach key paths and to print stored files again.
struct JSONValueTests {
    @Test("numbers keep their exact value, flags stay flags, escapes resolve, and the line reads back the same")
    func readsExactly() throws {
        let text = #"{"g": 0.2742119330054408, "n": [1, -2.5e-3, 8000000000], "t": true, "f": false, "z": null, "s": "a\"b\\c\u00e9\ud83d\ude00\n\u0001/", "o": {}, "l": []}"#
        let value = try JSONValue.read(Data(text.utf8))
        #expect(value["g"] == .number(0.2742119330054408))
        #expect(value["n"] == .list([.number(1), .number(-0.0025), .number(8e9)]))
        #expect(value["t"] == .flag(true) && value["f"] == .flag(false) && value["z"] == .null)
        #expect(value["s"] == .text("a\"b\\cé😀\n\u{01}/"))
        #expect(JSONValue.text("a\"\u{01}/").line == #""a\"\u0001/""#)
        #expect(value["o"] == .object([:]) && value["l"] == .list([]))
        #expect(try JSONValue.read(Data(value.line.utf8)) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value)
        #expect(value.leaves.keys.sorted() == ["f", "g", "l", "n", "s", "t", "z"])
    }

    @Test("text that is not one JSON value is an error, never a crash", arguments: ["", "{", "[1,", "{\"a\" 1}", "tru", "1 2", "\"abc", "-", "[" + String(repeating: "[", count: 600)])
    func rejectsBadText(text: String) {
        #expect(throws: DecodingError.self) { try JSONValue.read(Data(text.utf8)) }
    }
}
