import Foundation

/// The one reader of a run folder's files: config.json, result.json, metrics.jsonl and the
/// checkpoint are each read and checked here, and only here.
///
/// Every caller goes through it: a training that holds the folder's lock (`RunFolder.readRecord`,
/// `readResult`, `readCheckpoint`), a look without the lock at a run another process may be
/// training (`mlplab evaluate`, the ranks of a spread study reading each other's results), and
/// the listing of many folders (`StoredRun`). So a file is accepted or refused the same way
/// wherever it is read: config.json must pass `RunRecord.validate()` as a typed record does, and
/// result.json must add up (`RunResult.inconsistency`).
///
/// A file that does not exist is nil (or no epochs); one that exists but cannot be read (a folder,
/// a pipe, a dangling link, no permission), does not decode, or does not check is a
/// `RunFileProblem` naming the file. Callers that act on the run turn it into
/// `CheckpointError.damagedRunFile`, whose message says what to do; the listing shows it as the
/// run's problem.
public enum RunFiles {
    /// The bytes of `file` in the run folder at `path`; nil when it does not exist.
    public static func contents(of file: RunFolder.File, in path: String) throws(RunFileProblem) -> Data? {
        do { return try FileBytes.readIfPresent(path + "/" + file.rawValue).map { Data($0) } } catch let error as FileReadError {
            throw RunFileProblem(file: file, folder: path, reason: "it cannot be read (\(error.reason))")
        } catch {
            throw RunFileProblem(file: file, folder: path, reason: "it cannot be read (\(error))")
        }
    }

    /// config.json's record, decoded and checked like a typed one (`RunRecord.validate`).
    public static func record(from data: Data, in path: String) throws(RunFileProblem) -> RunRecord {
        let record: RunRecord
        do { record = try JSONCoding.decode(RunRecord.self, from: data) } catch {
            throw RunFileProblem(file: .config, folder: path,
                                 reason: JSONCoding.problem(decoding: RunRecord.self, from: data, error: error))
        }
        do { try record.validate() } catch let error as ConfigurationError {
            throw RunFileProblem(file: .config, folder: path, reason: error.inFile().description.trimmingCharacters(in: ["."]))
        } catch {
            throw RunFileProblem(file: .config, folder: path, reason: "\(error)")
        }
        return record
    }

    /// result.json's result, decoded and checked against its own record (`RunResult.inconsistency`).
    public static func result(from data: Data, in path: String) throws(RunFileProblem) -> RunResult {
        var result: RunResult
        do { result = try JSONCoding.decode(RunResult.self, from: data) } catch {
            throw RunFileProblem(file: .result, folder: path,
                                 reason: JSONCoding.problem(decoding: RunResult.self, from: data, error: error))
        }
        if let problem = result.inconsistency { throw RunFileProblem(file: .result, folder: path, reason: problem) }
        result.runFolder = path
        return result
    }

    /// metrics.jsonl's epochs, one JSON object a line.
    public static func metrics(from data: Data, in path: String) throws(RunFileProblem) -> [EpochMetrics] {
        let decoder = JSONCoding.decoder()
        var epochs: [EpochMetrics] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            do { epochs.append(try decoder.decode(EpochMetrics.self, from: Data(line))) } catch {
                throw RunFileProblem(file: .metrics, folder: path, reason: "line \(index + 1): \(JSONCoding.problem(error))")
            }
        }
        return epochs
    }

    /// The run's record from the folder at `path`; nil when it has no config.json. Throws
    /// `CheckpointError.damagedRunFile` for one that cannot be used.
    public static func record(in path: String) throws -> RunRecord? {
        do { return try contents(of: .config, in: path).map { data throws(RunFileProblem) in try record(from: data, in: path) } } catch {
            throw error.asCheckpointError
        }
    }

    /// The run's result from the folder at `path` (its `runFolder` set to `path`); nil when it
    /// has no result.json (the run has not finished). Throws `CheckpointError.damagedRunFile`
    /// for one that cannot be used.
    public static func result(in path: String) throws -> RunResult? {
        do { return try contents(of: .result, in: path).map { data throws(RunFileProblem) in try result(from: data, in: path) } } catch {
            throw error.asCheckpointError
        }
    }

    /// The checkpoint of a run of `record` in the folder at `path`, nil when it has none yet;
    /// `trainingSamples`, the run's training split when known, checks its counts. A checkpoint
    /// that does not fit `record` is the run's damaged file, with the run's advice.
    public static func checkpoint(in path: String, for record: RunRecord, trainingSamples: Int? = nil) throws -> TrainingCheckpoint? {
        let file = path + "/" + RunFolder.File.checkpoint.rawValue
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        do { return try TrainingCheckpoint(contentsOf: file, record: record, trainingSamples: trainingSamples) } catch let error as CheckpointError {
            guard let problem = error.problem else { throw error }
            throw CheckpointError.damagedRunFile(path: file, reason: problem)
        }
    }
}

/// A file of a run folder that exists but cannot be used: which file, and why.
public struct RunFileProblem: Error, Equatable, CustomStringConvertible {
    /// The file, by its place in the run folder.
    public var file: RunFolder.File
    /// The run folder's path.
    public var folder: String
    /// What is wrong, in a few words ("it cannot be read (…)", a check that failed).
    public var reason: String

    /// The file's path.
    public var path: String { folder + "/" + file.rawValue }

    /// "result.json: …": the problem as a listing of runs shows it, one line.
    public var description: String { OneLine.escaped("\(file.rawValue): \(reason)") }

    /// The problem as an error of the run, whose message says what to do with the file.
    public var asCheckpointError: CheckpointError { .damagedRunFile(path: path, reason: reason) }
}

extension RunFolder {
    /// The run's record from config.json, checked like a typed one; nil when the folder has none.
    public func readRecord() throws -> RunRecord? {
        try RunFiles.record(in: path)
    }

    /// The run's result.json, checked against its own record; nil when the folder has none. A
    /// file that does not decode or does not add up is an error naming it, not a finished run:
    /// its numbers go into reports and study tables.
    public func readResult() throws -> RunResult? {
        try RunFiles.result(in: path)
    }

    /// The folder's checkpoint for a run of `record`, nil when it has none yet;
    /// `trainingSamples`, the run's training split, when known, checks its counts.
    public func readCheckpoint(for record: RunRecord, trainingSamples: Int? = nil) throws -> TrainingCheckpoint? {
        try RunFiles.checkpoint(in: path, for: record, trainingSamples: trainingSamples)
    }
}
