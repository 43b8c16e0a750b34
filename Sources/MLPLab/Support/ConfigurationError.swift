/// A setting outside what MLPLab can train with: which setting, the value, the rule it breaks
/// and what to use instead. Every configuration type checks itself with it (`validate()`), so a
/// value typed on the command line, read back from a run folder's config.json or set from Swift
/// meets the same rules and the same message.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The setting as the command line names it, e.g. "--batch-size".
    public var setting: String
    /// The value given, as text.
    public var value: String
    /// The rule, completing "--batch-size …", e.g. "must be at least 1".
    public var rule: String
    /// What to do instead, e.g. "the assignment uses 64"; nil when the rule says it.
    public var fix: String?

    /// An error for `setting`, whose `value` breaks `rule`; `fix` is nil when the rule says what to do.
    public init(setting: String, value: String, rule: String, fix: String? = nil) {
        self.setting = setting
        self.value = value
        self.rule = rule
        self.fix = fix
    }

    /// An error for a value of any printable type (a number, usually), stored as its `description`.
    public init(setting: String, value: some CustomStringConvertible, rule: String, fix: String? = nil) {
        self.init(setting: setting, value: value.description, rule: rule, fix: fix)
    }

    /// "--batch-size must be at least 1 (got 0); the assignment uses 64."
    public var description: String {
        OneLine.escaped("\(setting) \(rule) (got \(value))" + (fix.map { "; \($0)." } ?? "."))
    }
}

/// Checks shared by the configuration types.
enum Check {
    /// `value` within `range`, else an error naming `setting`.
    static func whole(_ value: Int, _ setting: String, in range: ClosedRange<Int>, fix: String? = nil) throws {
        if value < range.lowerBound {
            throw ConfigurationError(setting: setting, value: value, rule: "must be at least \(range.lowerBound)", fix: fix)
        }
        if value > range.upperBound {
            throw ConfigurationError(setting: setting, value: value, rule: "must be at most \(Format.grouped(Double(range.upperBound)))", fix: fix)
        }
    }
}
