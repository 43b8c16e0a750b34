import Foundation

/// A folder of run folders keyed by what they train: each run's folder is named by its label and
/// `RunRecord.configurationKey`. Asking for the same run again reuses it when finished and
/// continues it from its checkpoint when not; that is what makes studies and sweeps resumable.
/// Cancelling the task stops the current run at a safe point (`CancellationError`).
public final class RunStore {
    /// The folder that holds one run folder per run; each is made when its run starts.
    public let directory: String
    /// The data every run trains on.
    public let dataset: Dataset
    /// How the data is split for every run; a run may override its `trainLimit`.
    public let data: DataConfiguration

    /// Called when a run starts here: (its number among the runs asked of this store, from 1;
    /// label; epochs; reused?).
    public var onRunStart: ((Int, String, Int, Bool) -> Void)?
    /// Called after every batch of the run in progress: (epoch, batch, batches).
    public var onBatch: TrainingRun.BatchObserver?
    /// What every run's report holds beside its result (the images left out of the data, the
    /// names to show settings by).
    public var reportOptions = RunReport.Options()
    /// Runs trained (new or continued from a checkpoint) so far, by this process or, with a
    /// communicator, by any rank.
    public private(set) var trained = 0
    /// Runs whose finished result was read back from their folder instead of trained.
    public private(set) var reused = 0
    /// The ranks to spread runs over (see `runAll`); nil: this process trains every run.
    public var communicator: Communicator?
    /// Runs asked of this store so far: numbers the next one.
    private var asked = 0

    /// One training asked of the store: a label, the model and training configurations, and
    /// the data's subset size when it differs from the store's (`.some(nil)`: all the data).
    public struct Request {
        /// "lr 0.016", "momentum 0.9", …: names the run and its folder.
        public var label: String
        /// The model to train.
        public var model: ModelConfiguration
        /// How to train it.
        public var training: TrainingConfiguration
        /// The subset size for this run, when not the store's.
        public var trainLimit: Int??

        /// A request for `label`.
        public init(_ label: String, model: ModelConfiguration, training: TrainingConfiguration, trainLimit: Int?? = .none) {
            self.label = label
            self.model = model
            self.training = training
            self.trainLimit = trainLimit
        }
    }

    /// A store of run folders under `directory`; nothing is written until a run starts.
    public init(directory: String, dataset: Dataset, data: DataConfiguration) {
        self.directory = directory
        self.dataset = dataset
        self.data = data
    }

    /// The record of a run of `model` and `training` on this store's data (`trainLimit` as in `Request`).
    public func plan(model: ModelConfiguration, training: TrainingConfiguration, trainLimit: Int?? = .none) -> RunRecord {
        var data = self.data
        if case let .some(limit) = trainLimit { data.trainLimit = limit }
        return RunRecord(data: data, dataset: dataset, model: model, training: training)
    }

    /// The folder of a run of `record` labelled `label`: "lr-0.016-3f2a…".
    public func folderPath(_ label: String, record: RunRecord) -> String {
        let slug = label.replacingOccurrences(of: " ", with: "-").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        return "\(directory)/\(slug)-\(record.configurationKey.prefix(10))"
    }

    /// Trains (or reuses, or continues) `label` with this model and training configuration;
    /// `trainLimit` overrides the data's subset size for this run.
    public func run(_ label: String, model: ModelConfiguration, training: TrainingConfiguration,
                    trainLimit: Int?? = .none) throws -> StudyRun {
        try runAll([Request(label, model: model, training: training, trainLimit: trainLimit)])[0]
    }

    /// Trains (or reuses, or continues) every request, which must not depend on each other's
    /// results, and returns their runs in the requests' order.
    ///
    /// Alone, the runs go one after another in that order. With a `communicator`, every rank
    /// must call this with the same requests: the runs go longest first (epochs × images ×
    /// parameters), each rank taking the next one whose folder's lock it can take as soon as it
    /// is free, and every rank returns every run's result, read from the run folders once all
    /// are done. The folders must therefore be on a filesystem every rank shares. An error on
    /// any rank stops every rank at the end of the requests: the rank that had it throws it, the
    /// others `DistributedError.otherRankFailed`; when every error was an interruption, every
    /// rank throws `CancellationError`, so that each says the job was stopped, not that it failed
    /// (a rank with no run left never sees the signal itself).
    public func runAll(_ requests: [Request]) throws -> [StudyRun] {
        let first = asked
        asked += requests.count
        guard let communicator, communicator.size > 1 else {
            return try requests.enumerated().map { index, request in try train(request, number: first + index + 1) }
        }
        let records = requests.map { plan(model: $0.model, training: $0.training, trainLimit: $0.trainLimit) }
        let cost = records.map { Double($0.training.epochs) * Double($0.data.trainLimit ?? dataset.count) * Double($0.model.parameterCount) }
        let order = requests.indices.sorted { cost[$0] != cost[$1] ? cost[$0] > cost[$1] : $0 < $1 }
        var trainedHere = [Int64](repeating: 0, count: requests.count)
        var failure: (any Error)?
        for index in order {
            do {
                let folder: RunFolder
                do { folder = try RunFolder(path: folderPath(requests[index].label, record: records[index])) } catch CheckpointError.locked {
                    continue  // another rank is training it
                }
                if try folder.finishedResult(for: records[index]) != nil { continue }
                onRunStart?(first + index + 1, requests[index].label, records[index].training.epochs, false)
                _ = try train(records[index], in: folder)
                trainedHere[index] = 1
            } catch {
                failure = error
                break
            }
        }
        // 0: no error here, 1: interrupted, 2: another error.
        let failureKind: Int64 = failure == nil ? 0 : failure is CancellationError ? 1 : 2
        let flags = try communicator.maximum(trainedHere + [failureKind])
        switch (failure, flags[requests.count]) {
        case (_, 0): break
        case let (failure?, _): throw failure
        case (nil, 1): throw CancellationError()
        case (nil, _): throw DistributedError.otherRankFailed
        }
        let trainedNow = Int(flags.prefix(requests.count).reduce(0, +))
        trained += trainedNow
        reused += requests.count - trainedNow
        return try requests.indices.map { index in
            let path = folderPath(requests[index].label, record: records[index])
            var result = try RunFolder.storedResult(at: path, for: records[index])
            result.reused = flags[index] == 0
            return StudyRun(label: requests[index].label, result: result)
        }
    }

    /// Trains (or reuses, or continues) one request in this process. Alone, no other process
    /// should hold the run's folder: one that is stopping (the ranks of a study just
    /// interrupted) is given `FolderLock.stoppingHolderWait` to let go.
    private func train(_ request: Request, number: Int) throws -> StudyRun {
        let record = plan(model: request.model, training: request.training, trainLimit: request.trainLimit)
        let folder = try RunFolder(path: folderPath(request.label, record: record), waitingUpTo: FolderLock.stoppingHolderWait)
        let finished = try folder.finishedResult(for: record)
        onRunStart?(number, request.label, request.training.epochs, finished != nil)
        let result = try finished ?? train(record, in: folder)
        if result.reused { reused += 1 } else { trained += 1 }
        return StudyRun(label: request.label, result: result)
    }

    /// A run that fails before its first file (a model too large for the machine) leaves no
    /// folder behind that holds only its lock.
    private func train(_ record: RunRecord, in folder: RunFolder) throws -> RunResult {
        defer { folder.discardIfUnstarted() }
        if !folder.hasRun { try RunFolder.checkHoldsNoOtherFiles(folder.path, fix: "Move them away, or choose another output.folder.") }
        return try Training.run(record, on: dataset, in: folder, report: reportOptions) { [onBatch] event in
            if case let .batch(epoch, batch, count) = event { onBatch?(epoch, batch, count) }
        }
    }
}

extension RunFolder {
    /// The finished result in the run folder at `path`, read without taking its lock (every
    /// writer is done): for the ranks of a spread study to read each other's runs. Checked as
    /// `readResult` checks it; throws when the folder holds no finished run of `record`.
    static func storedResult(at path: String, for record: RunRecord) throws -> RunResult {
        guard let result = try RunFiles.result(in: path) else {
            throw CheckpointError.damagedRunFile(path: path + "/" + File.result.rawValue, reason: "another rank finished this run but its result is not here; the run folders must be on a filesystem every rank shares")
        }
        if let difference = result.record.firstDifference(from: record) {
            throw CheckpointError.configurationDiffers(path: path, field: difference.field, stored: difference.stored, given: difference.given)
        }
        return result
    }
}
