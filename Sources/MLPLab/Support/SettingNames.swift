/// A table of names for settings and the rewriting of text with it: the library names each
/// setting by its configuration key (`training.batch_size`), and a tool that has its own names
/// for them (the command line's flags) rewrites the library's messages with its table
/// before showing them.
public struct SettingNames: Sendable {
    /// Each key with the name to show for it.
    public let names: [String: String]
    /// Longest first, so that a key is never taken for the start of a longer one.
    private let keys: [String]

    /// A table that shows each key of `names` as its value.
    public init(_ names: [String: String]) {
        self.names = names
        keys = names.keys.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// `text` with each key that stands alone in it (the setting to change) replaced by its
    /// name: with the table ["training.batch_size": "batch size"], "training.batch_size must be at
    /// least 1" becomes "batch size must be at least 1". A key
    /// in quotes ('training.batch_size', a value stored in a file), inside a longer key path
    /// ("record.training.epochs") or a path ("runs/training.epochs"), anything between single
    /// quotes (a path, a name or a value as given: 'runs/training.seed'), and every key in `kept`,
    /// stays as it is; text without keys comes back unchanged.
    public func renamed(_ text: String, keeping kept: Set<String> = []) -> String {
        var result = ""
        var index = text.startIndex
        scanning: while index < text.endIndex {
            if let end = Self.quotedSpan(in: text, from: index) {
                result += text[index..<end]
                index = end
                continue
            }
            if index == text.startIndex || !Self.isBoundBefore(text[text.index(before: index)]) {
                for key in keys where !kept.contains(key) && text[index...].hasPrefix(key) {
                    let end = text.index(index, offsetBy: key.count)
                    if Self.endsAlone(text, at: end) {
                        result += names[key] ?? key
                        index = end
                        continue scanning
                    }
                }
            }
            result.append(text[index])
            index = text.index(after: index)
        }
        return result
    }

    /// The end of the quoted span ('…') that opens at `start`, nil when none does: a quote that
    /// follows a letter or digit is an apostrophe ("run's"), and a span ends at the first quote
    /// not followed by a letter or digit.
    private static func quotedSpan(in text: String, from start: String.Index) -> String.Index? {
        guard text[start] == "'", start == text.startIndex || !isWordCharacter(text[text.index(before: start)]) else { return nil }
        var index = text.index(after: start)
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == "'", next == text.endIndex || !isWordCharacter(text[next]) { return next }
            index = next
        }
        return nil
    }

    private static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    /// Whether `character` just before a key joins it to something longer (a word, a key path,
    /// a path, a quote).
    private static func isBoundBefore(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || "_.'/`\\-".contains(character)
    }

    /// Whether the key ending at `end` ends there: the text ends, or goes on with a space or
    /// punctuation, a full stop included, but not with more of a word, a key path or a quote.
    private static func endsAlone(_ text: String, at end: String.Index) -> Bool {
        guard end < text.endIndex else { return true }
        let next = text[end]
        if next.isLetter || next.isNumber || "_'/`-".contains(next) { return false }
        if next == "." {
            let after = text.index(after: end)
            return after == text.endIndex || !(text[after].isLetter || text[after].isNumber || text[after] == "_")
        }
        return true
    }
}
