import Foundation

/// What `config.json` of a run folder holds: everything needed to repeat the run and to check
/// that a resume continues the same one.
public struct RunRecord: Codable, Equatable, Sendable {
    public var mlplabVersion = MLPLabVersion.string
    public var created: String
    public var command: [String]
    public var data: DataConfiguration
    public var dataFingerprint: String
    public var classNames: [String]
    public var imageWidth: Int
    public var imageHeight: Int
    public var model: ModelConfiguration
    public var training: TrainingConfiguration
    public var engine: String
    public var instructionSet: String
    public var cpu: String

    public init(command: [String], data: DataConfiguration, dataset: Dataset, model: ModelConfiguration,
                training: TrainingConfiguration) {
        created = ISO8601DateFormatter().string(from: Date())
        self.command = command
        self.data = data
        dataFingerprint = dataset.fingerprint
        classNames = dataset.classNames
        imageWidth = dataset.imageWidth
        imageHeight = dataset.imageHeight
        self.model = model
        self.training = training
        engine = MatMul.engineVersion
        instructionSet = MatMul.instructionSet
        cpu = CPUInfo.current().summary
    }

    /// The first field, as a dotted path, in which `other` would train differently from this
    /// record (data, its fingerprint, model, training, threads), with both values; nil if none.
    public func firstDifference(from other: RunRecord) -> (field: String, stored: String, given: String)? {
        func flatten(_ value: some Encodable) -> [String: String] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
            var result: [String: String] = [:]
            func walk(_ value: Any, _ path: String) {
                if let map = value as? [String: Any] {
                    for (key, child) in map { walk(child, path.isEmpty ? key : "\(path).\(key)") }
                } else if let list = value as? [Any], !(list.first is [String: Any]) {
                    result[path] = list.map { "\($0)" }.joined(separator: ",")
                } else {
                    result[path] = "\(value)"
                }
            }
            walk(object, "")
            return result
        }
        let parts: [(String, [String: String], [String: String])] = [
            ("data", flatten(data), flatten(other.data)),
            ("model", flatten(model), flatten(other.model)),
            ("training", flatten(training), flatten(other.training)),
        ]
        for (prefix, mine, theirs) in parts {
            for key in Set(mine.keys).union(theirs.keys).sorted() where mine[key] != theirs[key] {
                return ("\(prefix).\(key)", mine[key] ?? "unset", theirs[key] ?? "unset")
            }
        }
        if dataFingerprint != other.dataFingerprint {
            return ("the data's contents (fingerprint)", dataFingerprint, other.dataFingerprint)
        }
        return nil
    }
}

/// A run's folder: `config.json`, `metrics.jsonl`, `checkpoint.safetensors` after every epoch,
/// and at the end `model.safetensors`, `last.safetensors`, `loss.svg`, `per-class.svg`,
/// `confusion.svg`, `summary.md`. Every file is written to a temporary name and renamed, so a
/// crash never leaves a half-written one. A lock (`.lock`, held with flock for the life of the
/// process, so a killed process frees it) keeps two trainings out of one folder.
public final class RunFolder {
    public let path: String
    private let lock: FolderLock
    /// Whether opening it made the folder (it did not exist before).
    private let createdFolder: Bool

    public var configPath: String { path + "/config.json" }
    public var checkpointPath: String { path + "/checkpoint.safetensors" }
    public var metricsPath: String { path + "/metrics.jsonl" }
    public var modelPath: String { path + "/model.safetensors" }

    /// Opens (creating if needed) the folder at `path` and takes its lock.
    public init(path: String) throws {
        createdFolder = !FileManager.default.fileExists(atPath: path)
        lock = try FolderLock(path: path)
        self.path = path
    }

    /// Checks, without making it, that a run folder can be made at `path`: makes the folder that
    /// will hold it (`--run-dir`) and writes and removes a probe file there. A training calls
    /// this before reading its data, so a place it could never save to is one error at once,
    /// not after the load, and an interrupted load leaves no empty run folder.
    public static func checkCanCreate(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let parent = directory.isEmpty ? "." : directory
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw CheckpointError.cannotWrite(path: parent, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        let probe = parent + "/.mlplab-probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw CheckpointError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        close(descriptor)
        unlink(probe)
    }

    /// Removes the folder again when this value made it and no run started in it (it holds only
    /// its lock): a training that fails before its first file (a model too large for memory)
    /// leaves nothing behind.
    public func discardIfUnstarted() {
        guard createdFolder, (try? FileManager.default.contentsOfDirectory(atPath: path)) == [".lock"] else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Whether a run was started in this folder before (it has a config.json).
    public var hasRun: Bool { FileManager.default.fileExists(atPath: configPath) }

    public func writeRecord(_ record: RunRecord) throws {
        try write(json(record, pretty: true), to: configPath)
    }

    public func readRecord() throws -> RunRecord {
        guard let data = FileManager.default.contents(atPath: configPath) else { throw CheckpointError.notARun(path: path) }
        do { return try JSONDecoder().decode(RunRecord.self, from: data) } catch {
            throw CheckpointError.badMetadata(path: configPath, key: "config.json", reason: "cannot be read (\(error.localizedDescription))")
        }
    }

    /// Saves the state after an epoch: the checkpoint, then `metrics.jsonl` rewritten from the
    /// run's history (so it always matches the checkpoint, also after a resume).
    public func saveCheckpoint(_ run: TrainingRun) throws {
        try Checkpoint.write(run, to: checkpointPath)
        try write(Data(run.history.map { String(decoding: json($0, pretty: false), as: UTF8.self) + "\n" }.joined().utf8), to: metricsPath)
    }

    public func loadCheckpoint(configuration: ModelConfiguration, hasMomentum: Bool) throws -> Checkpoint? {
        guard FileManager.default.fileExists(atPath: checkpointPath) else { return nil }
        return try Checkpoint(contentsOf: checkpointPath, configuration: configuration, hasMomentum: hasMomentum)
    }

    public var resultPath: String { path + "/result.json" }

    /// The outcome of a finished run in this folder, if it has one for exactly `record`'s
    /// configuration and data.
    public func finishedOutcome(for record: RunRecord) -> RunOutcome? {
        guard let data = FileManager.default.contents(atPath: resultPath) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard var outcome = try? decoder.decode(RunOutcome.self, from: data),
              outcome.record.firstDifference(from: record) == nil else { return nil }
        outcome.reused = true
        outcome.path = path
        return outcome
    }

    /// Writes the run's current weights as last.safetensors (before `useBestParameters`).
    public func writeLastModel(_ run: TrainingRun) throws {
        try ModelFile.write(run.model, dataset: run.dataset, scaling: run.configuration.inputScaling, to: path + "/last.safetensors")
    }

    /// Writes the results of a finished (or stopped) run, after `writeLastModel`: the kept model
    /// (best on validation, else the last), charts, summary and result.json.
    @discardableResult
    public func finish(_ run: TrainingRun, record: RunRecord, train: Evaluation, test: Evaluation) throws -> RunOutcome {
        let dataset = run.dataset
        run.useBestParameters()
        try ModelFile.write(run.model, dataset: dataset, scaling: run.configuration.inputScaling, to: modelPath)

        let name = (path as NSString).lastPathComponent
        let loss = LineChart(title: "\(name): training loss and accuracy", yLabel: "loss / accuracy", series: [
            .init(name: "train loss", values: run.history.map(\.loss)),
            .init(name: "train accuracy", values: run.history.map(\.trainAccuracy)),
            .init(name: "validation accuracy", values: run.history.compactMap(\.validationAccuracy)),
        ].filter { !$0.values.isEmpty })
        try write(Data(loss.svg.utf8), to: path + "/loss.svg")
        let perClass = GroupedBarChart(title: "\(name): accuracy of each class", categories: dataset.classNames,
                                       series: [("train", train.perClassAccuracy), ("test", test.perClassAccuracy)])
        try write(Data(perClass.svg.utf8), to: path + "/per-class.svg")
        let confusion = ConfusionMatrixChart(title: "\(name): test confusion matrix", classNames: dataset.classNames, counts: test.confusion)
        try write(Data(confusion.svg.utf8), to: path + "/confusion.svg")
        try write(Data(RunSummary.markdown(run: run, record: record, train: train, test: test, name: name).utf8), to: path + "/summary.md")
        let outcome = RunOutcome(
            path: path, record: record,
            splitSizes: ["train": run.split.train.count, "validation": run.split.validation.count, "test": run.split.test.count],
            epochs: run.history, trainAccuracy: train.accuracy, testAccuracy: test.accuracy,
            bestValidationAccuracy: run.bestValidationAccuracy, bestEpoch: run.bestEpoch, stoppedEarly: run.stoppedEarly,
            divergence: run.divergence, trainPerClass: train.perClassAccuracy, testPerClass: test.perClassAccuracy,
            trainingSeconds: run.trainingSeconds, samplesPerSecond: run.samplesPerSecond,
            nonZeroParameters: run.model.parameters.buffer.reduce(0) { $0 + ($1 != 0 ? 1 : 0) },
            parameterCount: run.model.parameters.count)
        try write(json(outcome, pretty: true), to: resultPath)
        return outcome
    }

    /// Trains the run `record` describes in this folder: from the start, from its checkpoint
    /// (same configuration), or not at all when it has finished already (its outcome is read).
    /// Returns nil when `shouldStop` interrupted it (the last checkpoint stays).
    public func execute(
        record: RunRecord, dataset: Dataset,
        onStart: ((TrainingRun, Checkpoint?) throws -> Void)? = nil,
        onBatch: TrainingRun.BatchObserver? = nil, onEpoch: ((TrainingRun, EpochMetrics) -> Void)? = nil,
        shouldStop: () -> Bool = { false }
    ) throws -> RunOutcome? {
        if let outcome = finishedOutcome(for: record) { return outcome }
        try MemoryBudget.check(model: record.model, training: record.training, validation: record.data.validationFraction > 0,
                               otherBytes: dataset.pixels.count)
        var checkpoint: Checkpoint?
        if hasRun {
            let stored = try readRecord()
            if let difference = stored.firstDifference(from: record) {
                throw CheckpointError.configurationDiffers(path: path, field: difference.field, stored: difference.stored, given: difference.given)
            }
            checkpoint = try loadCheckpoint(configuration: stored.model, hasMomentum: stored.training.optimizer.momentum != 0)
        } else {
            try writeRecord(record)
        }
        let split = try DatasetSplit.make(for: dataset, testFraction: record.data.testFraction,
                                          validationFraction: record.data.validationFraction,
                                          trainLimit: record.data.trainLimit, seed: record.training.seed)
        let run = TrainingRun(dataset: dataset, split: split, model: record.model, configuration: record.training)
        if let checkpoint { run.restore(checkpoint) }
        try onStart?(run, checkpoint)
        try run.train(onBatch: onBatch, onEpoch: { metrics in
            try self.saveCheckpoint(run)
            onEpoch?(run, metrics)
        }, shouldStop: shouldStop)
        if run.interrupted { return nil }
        // The last weights go to last.safetensors first; then the kept (best-on-validation)
        // ones take their place for the evaluation and model.safetensors. No copy is held.
        try writeLastModel(run)
        run.useBestParameters()
        let train = run.evaluate(split.train)
        let test = run.evaluate(split.test)
        return try finish(run, record: record, train: train, test: test)
    }

    private func write(_ data: Data, to file: String) throws {
        do { try AtomicFile.write(data, to: file) } catch let error as AtomicFileError {
            throw CheckpointError.cannotWrite(path: file, reason: error.reason)
        }
    }

    private func json<T: Encodable>(_ value: T, pretty: Bool) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// "20261127-235901" plus a counter if needed: a new folder name under `directory`.
    public static func newName(in directory: String, prefix: String = "") -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let base = prefix + formatter.string(from: Date())
        var name = base
        var counter = 2
        while FileManager.default.fileExists(atPath: "\(directory)/\(name)") {
            name = "\(base)-\(counter)"
            counter += 1
        }
        return name
    }
}

/// An exclusive lock on a folder (created if needed): `.lock` inside it, held with flock for the
/// life of this value or the process, so a killed process frees it. The file names the holder.
public final class FolderLock {
    private let descriptor: Int32

    public init(path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw CheckpointError.cannotWrite(path: path, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        let lockPath = path + "/.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CheckpointError.cannotWrite(path: lockPath, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw CheckpointError.locked(path: path, pid: owner.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { Foundation.write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
