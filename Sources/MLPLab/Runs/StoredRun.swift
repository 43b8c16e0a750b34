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
        let configData = Result { try Self.contents(of: .config, in: path) }
        let resultData = Result { try Self.contents(of: .result, in: path) }
        files = StoredFiles(configuration: (try? configData.get()) ?? nil, result: (try? resultData.get()) ?? nil)
        do {
            record = try Self.readRecord(try configData.get())
            if let resultData = try resultData.get() {
                let result = try Self.readResult(resultData)
                self.result = result
                epochs = result.epochs
                status = result.divergence != nil ? .diverged : result.stoppedEarly ? .stopped : .finished
            } else {
                epochs = try Self.readMetrics(in: path)
                status = locks.isHeld(folder: path) ? .running : .interrupted
            }
        } catch let error as StoredRunProblem {
            problem = error.description
        } catch {
            problem = "\(error)"
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

    /// Why a file of a run folder cannot be listed: the file's name and what is wrong with it.
    private struct StoredRunProblem: Error, CustomStringConvertible {
        var file: RunFolder.File
        var reason: String
        var description: String { OneLine.escaped("\(file.rawValue): \(reason)") }
    }

    /// The bytes of `file` in the run folder at `path`, nil when it does not exist; throws
    /// `StoredRunProblem` when it exists but cannot be read.
    private static func contents(of file: RunFolder.File, in path: String) throws -> Data? {
        do { return try FileBytes.readIfPresent(path + "/" + file.rawValue).map { Data($0) } } catch let error as FileReadError {
            throw StoredRunProblem(file: file, reason: "it cannot be read (\(error.reason))")
        }
    }

    /// config.json decoded and checked like a typed record (`RunRecord.validate`).
    private static func readRecord(_ data: Data?) throws -> RunRecord {
        guard let data else { throw StoredRunProblem(file: .config, reason: "it is missing") }
        let record: RunRecord
        do { record = try JSONCoding.decode(RunRecord.self, from: data) } catch {
            throw StoredRunProblem(file: .config, reason: JSONCoding.problem(decoding: RunRecord.self, from: data, error: error))
        }
        do { try record.validate() } catch let error as ConfigurationError {
            throw StoredRunProblem(file: .config, reason: error.inFile().description.trimmingCharacters(in: ["."]))
        }
        return record
    }

    /// result.json decoded and checked against its own record (`RunResult.inconsistency`).
    private static func readResult(_ data: Data) throws -> RunResult {
        let result: RunResult
        do { result = try JSONCoding.decode(RunResult.self, from: data) } catch {
            throw StoredRunProblem(file: .result, reason: JSONCoding.problem(decoding: RunResult.self, from: data, error: error))
        }
        if let problem = result.inconsistency { throw StoredRunProblem(file: .result, reason: problem) }
        return result
    }

    /// metrics.jsonl's epochs, one JSON object a line; none when the file does not exist yet
    /// (a run killed in its first epoch).
    private static func readMetrics(in path: String) throws -> [EpochMetrics] {
        guard let data = try contents(of: .metrics, in: path) else { return [] }
        let decoder = JSONCoding.decoder()
        return try data.split(separator: UInt8(ascii: "\n")).enumerated().map { index, line in
            do { return try decoder.decode(EpochMetrics.self, from: Data(line)) } catch {
                throw StoredRunProblem(file: .metrics, reason: "line \(index + 1): \(JSONCoding.problem(error))")
            }
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
