import Foundation

/// A run folder as `mlplab runs` reads it: its configuration, its result or the epochs trained so
/// far, and its status. Reading one opens config.json, result.json and metrics.jsonl only (never a
/// checkpoint or a model), writes nothing and takes no lock.
public struct StoredRun: Sendable {
    /// The folder's path relative to the folder that was listed ("sweep/lr-0.1"), the listing's key.
    public var name: String
    /// The folder's path as it can be opened ("runs/sweep/lr-0.1").
    public var path: String
    /// Where its training stands.
    public var status: RunStatus
    /// config.json, checked like a typed record; nil when it is damaged.
    public var record: RunRecord?
    /// result.json, checked against its record; nil for an unfinished or damaged run.
    public var result: RunResult?
    /// The epochs trained: the result's, or metrics.jsonl's for an unfinished run.
    public var epochs: [EpochMetrics]
    /// Why a damaged run is damaged, in one line naming the file; nil otherwise.
    public var problem: String?
    /// config.json as the file spells it (nil when missing or not JSON), for key paths, JSON output
    /// and `RunComparison`.
    public var storedConfiguration: JSONValue? { files.parsed.configuration }
    /// result.json as the file spells it; nil when missing, not JSON, or the run is damaged (its
    /// numbers do not add up: no condition, sort or JSON should use them).
    public var storedResult: JSONValue? { status == .damaged ? nil : files.parsed.result }
    private let files: StoredFiles

    /// Reads the run folder at `path` (it holds a config.json), named `name` in a listing. `locks`
    /// tells an unfinished run that is being written (`running`) from an abandoned one. Never
    /// throws: a file that cannot be read makes the run `damaged`, with the reason in `problem`.
    public init(path: String, name: String, locks: HeldFolderLocks = HeldFolderLocks()) {
        self.name = name
        self.path = path
        status = .damaged
        epochs = []
        // A file that exists but cannot be read (a folder, a pipe, no permission) is damage,
        // never a missing file: a result.json that cannot be read is no unfinished run.
        let configData = Result { () throws(RunFileProblem) in try RunFiles.contents(of: .config, in: path) }
        let resultData = Result { () throws(RunFileProblem) in try RunFiles.contents(of: .result, in: path) }
        files = StoredFiles(configuration: (try? configData.get()) ?? nil, result: (try? resultData.get()) ?? nil)
        do throws(RunFileProblem) {
            guard let configuration = try configData.get() else {
                throw RunFileProblem(file: .config, folder: path, reason: "it is missing")
            }
            record = try RunFiles.record(from: configuration, in: path)
            if let resultData = try resultData.get() {
                let result = try RunFiles.result(from: resultData, in: path)
                self.result = result
                epochs = result.epochs
                status = result.divergence != nil ? .diverged : result.stoppedEarly ? .stopped : .finished
            } else {
                epochs = try RunFiles.contents(of: .metrics, in: path).map { data throws(RunFileProblem) in
                    try RunFiles.metrics(from: data, in: path)
                } ?? []
                status = locks.isHeld(folder: path) ? .running : .interrupted
            }
        } catch {
            problem = error.description
        }
    }

    /// config.json's and result.json's bytes, parsed into `JSONValue`s on first use and kept: a
    /// listing without conditions or sorting never needs them, and parsing was a third of the
    /// time of listing a thousand folders. Shared by copies of the run; the lock makes the first
    /// use from several threads safe.
    private final class StoredFiles: @unchecked Sendable {
        private let configurationData: Data?, resultData: Data?
        private let lock = NSLock()
        private var values: (configuration: JSONValue?, result: JSONValue?)?

        init(configuration: Data?, result: Data?) {
            configurationData = configuration
            resultData = result
        }

        var parsed: (configuration: JSONValue?, result: JSONValue?) {
            lock.lock()
            defer { lock.unlock() }
            if let values { return values }
            let made = (configurationData.flatMap { try? JSONValue.read($0) }, resultData.flatMap { try? JSONValue.read($0) })
            values = made
            return made
        }
    }

    /// The epochs asked for (config.json's `training.epochs`); nil for a damaged configuration.
    public var epochsAsked: Int? { record?.training.epochs }

    /// The kept weights' validation accuracy from result.json, or for an unfinished run the best
    /// of its epochs so far; nil without a validation split.
    public var bestValidationAccuracy: Double? { result?.bestValidationAccuracy ?? epochs.compactMap(\.validationAccuracy).max() }

    /// Seconds in training steps: result.json's, or for an unfinished run its epochs' sum so far.
    public var trainingSeconds: Double { result?.trainingSeconds ?? epochs.reduce(0) { $0 + $1.seconds } }
}
