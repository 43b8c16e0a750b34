import MLPLab

/// The library names settings by their configuration keys (`training.patience`); the terminal
/// shows them as this tool's flags (`--patience`).
enum Flags {
    static let byKey: [String: String] = [
        "training.precision": "--precision", "training.patience": "--patience",
    ]

    /// `text` with every key this tool has a flag for written as the flag.
    static func inText(_ text: String) -> String {
        byKey.reduce(text) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
    }
}
