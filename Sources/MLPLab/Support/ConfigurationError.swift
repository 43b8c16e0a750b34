import Foundation

/// A setting outside what MLPLab can train with: which setting, the value, the rule it breaks
/// and what to use instead. Every configuration type checks itself with it (`validate()`), so a
/// value typed on the command line, read back from a run folder's config.json or set from Swift
/// meets the same rules and the same message.
///
/// MLPLab's messages name a setting by its key path in a run's config.json, as the file spells
/// it: `training.batch_size`, `training.optimizer.learning_rate`, `data.test_fraction`,
/// `data.image_folder.resize`, `model.hidden_sizes`. A key standing alone in a message names
/// the setting to change; a key in quotes ('training.batch_size') names a value stored in a
/// file. The command-line tool shows its own flag for each setting instead.
///
/// A few things a message may ask for are not kept in config.json; they have keys of their own:
/// - `run.name`: the folder name of a new run (`RunFolder.pathForNewRun(in:name:)`'s `name`).
/// - `run.directory`: the folder that holds run folders (`pathForNewRun`'s `directory`).
/// - `run.resume`: continuing the run in a folder (`RunFolder.resuming(_:)`, then `Training.run`).
/// - `output.folder`: where a study, sweep, chart or report is written.
/// - `output.force`: writing into such a folder although it holds other files (`ReportFolder`'s `force`).
/// - `output.json`: a result printed as JSON (the `Codable` value: `DatasetSummary`, `RunResult`).
/// - `cache.folder`, `cache.off`: where decoded image folders are cached (`DatasetCache`), or no cache.
/// - `lr_find.start`, `lr_find.end`, `lr_find.steps`: `LearningRateFinder`'s settings.
/// - `training.input_scaling raw`: inputs fed as 0…255, unscaled (`InputScaling.raw`).
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The setting, by its key path in config.json, e.g. "training.batch_size".
    public var setting: String
    /// The value given, as text.
    public var value: String
    /// The rule, completing "training.batch_size …", e.g. "must be at least 1".
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

    /// "training.batch_size must be at least 1 (got 0); the assignment uses 64."
    public var description: String { description(renaming: nil) }

    /// The message with the keys in its setting, rule and fix shown by `names` (a tool's own
    /// names for them); the value given is shown as it is, whatever it holds.
    public func description(renaming names: SettingNames?) -> String {
        let rename = { (text: String) in names?.renamed(text) ?? text }
        return OneLine.escaped("\(rename(setting)) \(rename(rule)) (got \(value))" + (fix.map { "; \(rename($0))." } ?? "."))
    }

    /// The error as a stored file states it (config.json, or result.json's `record`): the key in
    /// quotes, after `prefix` ("record."), as the file spells it, the other keys its rule names
    /// likewise, and without the fix, since the file's own error says what to do.
    public func inFile(prefix: String = "") -> ConfigurationError {
        let key = #"(?<![\w.'])(?:training|data|model)\.[a-z_.]*[a-z_]"#
        let quoted = rule.replacingOccurrences(of: key, with: "'\(prefix)$0'", options: .regularExpression)
        return ConfigurationError(setting: "'\(prefix)\(setting)'", value: value, rule: quoted)
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
