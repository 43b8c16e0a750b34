/// Two run folders side by side, for `mlplab runs diff A B`: the settings of config.json in which
/// they differ, apart from what is only recorded (when, by which command, on which machine), and
/// their final metrics.
public struct RunComparison: Sendable {
    /// config.json's keys that describe the run's circumstances rather than decide its result: they
    /// differ between almost any two runs, so they are listed apart (see ``RunRecord``). `compute`
    /// (the plan measured on the machine, ``ComputePlan``) is an object: its keys below it count too.
    public static let recordedKeys: Set<String> = ["created", "command", "cpu", "engine", "instruction_set", "mlplab_version", "processes",
                                                   "compute"]

    /// Whether `key` (a key path of config.json) is one of `recordedKeys` or lies below one.
    public static func isRecorded(_ key: String) -> Bool {
        recordedKeys.contains(key) || recordedKeys.contains(String(key.prefix { $0 != "." }))
    }

    /// One key of config.json and its value in each run (nil where the run has none).
    public struct Difference: Equatable, Sendable {
        public var key: String
        public var first: JSONValue?
        public var second: JSONValue?
    }

    public var first: StoredRun
    public var second: StoredRun
    /// The settings that decide the result and differ, by key path.
    public var differences: [Difference]
    /// The recorded-only keys (`recordedKeys`) that differ.
    public var recordedDifferences: [Difference]

    /// Compares the run folders at `first` and `second` (paths as given). Throws
    /// `RunQueryError.notARunFolder` for a path without config.json. A damaged run is compared as
    /// far as its config.json reads as JSON.
    public init(_ first: String, _ second: String) throws {
        let locks = HeldFolderLocks()
        let runs = try [first, second].map { path in
            guard RunCatalog.runFolders(under: path) == [""] else { throw RunQueryError.notARunFolder(path) }
            return StoredRun(path: path, name: path, locks: locks)
        }
        self.init(runs[0], runs[1])
    }

    /// Compares two runs already read.
    public init(_ first: StoredRun, _ second: StoredRun) {
        self.first = first
        self.second = second
        let mine = first.storedConfiguration?.leaves ?? [:], theirs = second.storedConfiguration?.leaves ?? [:]
        let all = Set(mine.keys).union(theirs.keys).sorted().filter { mine[$0] != theirs[$0] }
            .map { Difference(key: $0, first: mine[$0], second: theirs[$0]) }
        differences = all.filter { !Self.isRecorded($0.key) }
        recordedDifferences = all.filter { Self.isRecorded($0.key) }
    }
}
