import Foundation

/// A folder of run folders keyed by what they train: each run's folder is named by its label and
/// `RunRecord.configurationKey`. Asking for the same run again reuses it when finished and
/// continues it from its checkpoint when not; that is what makes studies and sweeps resumable.
/// Cancelling the task stops the current run at a safe point (`CancellationError`).
///
/// Several processes may share the folder without MPI (a job array, two terminals on one
/// output folder): each run folder's lock decides which process trains it, every process waits
/// for the runs the others hold, and a run whose holder stops or dies is continued by another
/// (see `runAll`).
public final class RunStore {
    /// The folder that holds one run folder per run; each is made when its run starts.
    public let directory: String
    /// The data every run trains on.
    public let dataset: Dataset
    /// How the data is split for every run; a run may override its `trainLimit`.
    public let data: DataConfiguration

    /// Called when a run starts here: (its number among the runs asked of this store, from 1;
    /// label; epochs; reused?). Reused: its finished result was read back from an earlier study.
    public var onRunStart: ((Int, String, Int, Bool) -> Void)?
    /// Called when another process that shares the run folders holds or has trained one of the
    /// runs asked (see `runAll`).
    public var onSharing: ((SharingEvent) -> Void)?
    /// Called after every batch of the run in progress: (epoch, batch, batches).
    public var onBatch: TrainingRun.BatchObserver?
    /// What every run's report holds beside its result (the images left out of the data, the
    /// names to show settings by).
    public var reportOptions = RunReport.Options()
    /// Where the runs keep the timings their compute plan is measured with (`Training.run`'s
    /// `cacheDirectory`); nil: the standard plan.
    public var cacheDirectory: String? = DatasetCache.defaultDirectory
    /// Runs trained by this study or sweep so far (new or continued from a checkpoint): by this
    /// process, by another process sharing the folders (its result written since
    /// `reusedBefore`), or, with a communicator, by any rank.
    public private(set) var trained = 0
    /// Runs whose finished result was read back from an earlier study or sweep (written before
    /// `reusedBefore`, or already counted here) instead of trained.
    public private(set) var reused = 0
    /// The instant that tells an earlier study's runs from this one's: a finished run whose
    /// result.json was written before it counts as reused, one written since (by another process
    /// sharing the folders) as trained. The time the store was made, unless set; a tool sets it
    /// to when the first of the processes sharing the output folder opened it, by that
    /// filesystem's clock (`ReportFolder.started`), which is before any of them finished a run.
    public var reusedBefore = Date()
    /// The run folders counted as trained here: asked for again (a study's fine grid may repeat
    /// a coarse rate), they count as reused.
    private var counted: Set<String> = []
    /// The ranks to spread runs over (see `runAll`); nil: this process trains every run.
    public var communicator: Communicator?
    /// Runs asked of this store so far: numbers the next one.
    private var asked = 0

    /// What this process sees of another that shares the run folders.
    public enum SharingEvent: Equatable, Sendable {
        /// Run `number` (`label`) is held by process `holder` (the id its lock names): this
        /// process waits for it to finish or let go.
        case waiting(number: Int, label: String, holder: String)
        /// Another process trained run `number` while this one ran: its result is read back
        /// and counts as trained by this study, not reused.
        case trainedElsewhere(number: Int, label: String)
        /// Process `holder` let go of run `number` unfinished (it stopped, failed or died):
        /// this process continues it, from its last checkpoint if it has one.
        case takingOver(number: Int, label: String, holder: String)
    }

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
    /// results, and returns their runs in the requests' order. The runs go longest first
    /// (epochs × images × parameters), then in the requests' order.
    ///
    /// Without a communicator, this process takes each run whose folder's lock it can take at
    /// once: it trains it, continues it from its checkpoint, or reads back its result when it is
    /// finished. A run locked by another process (one sharing the folders: a job array, a second
    /// terminal) is left for later. Then it waits for those, looking at them again and again
    /// (`Polling`: at most a second apart): each one is read back once its holder finished it,
    /// and continued here when its holder let go of it unfinished (it stopped, failed or was
    /// killed: the kernel frees a dead process's flock). Every process sharing the folders thus
    /// returns the same results, and each run is trained once. Alone, that is every run in turn.
    /// Cancelling the task stops a wait as it stops a run.
    ///
    /// With a `communicator`, every rank must call this with the same requests: the ranks start
    /// together, each rank takes the next run whose folder's lock it can take as soon as it is
    /// free, and every rank returns
    /// every run's result, read from the run folders once all are done. The folders must therefore
    /// be on a filesystem every rank shares. An error on any rank stops every rank at the end of
    /// the requests: the rank that had it throws it, the others `DistributedError.otherRankFailed`;
    /// when every error was an interruption, every rank throws `CancellationError`, so that each
    /// says the job was stopped, not that it failed (a rank with no run left never sees the signal
    /// itself).
    public func runAll(_ requests: [Request]) throws -> [StudyRun] {
        let first = asked
        asked += requests.count
        let records = requests.map { plan(model: $0.model, training: $0.training, trainLimit: $0.trainLimit) }
        let cost = records.map { Double($0.training.epochs) * Double($0.data.trainLimit ?? dataset.count) * Double($0.model.parameterCount) }
        let order = requests.indices.sorted { cost[$0] != cost[$1] ? cost[$0] > cost[$1] : $0 < $1 }
        guard let communicator, communicator.size > 1 else {
            return try runSharingFolders(requests, records: records, order: order, first: first)
        }
        // Every rank starts taking runs at once: a rank that loaded its data sooner would
        // otherwise take every run of a stage whose runs are short before the others begin.
        try communicator.barrier()
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

    /// `runAll` without a communicator: a pass that takes every run whose lock is free, then
    /// waits for the runs other processes hold (see `runAll`).
    private func runSharingFolders(_ requests: [Request], records: [RunRecord], order: [Int], first: Int) throws -> [StudyRun] {
        var results = [StudyRun?](repeating: nil, count: requests.count)
        // The runs another process held when this one last looked, with that process's id.
        var held: [(index: Int, holder: String)] = []
        // The holder this process said it waits for, by run.
        var announced: [Int: String] = [:]
        var polling: Polling?
        for index in order {
            if Task.isCancelled { throw CancellationError() }
            if let folder = try lockedUnlessHeld(requests[index], records[index], held: &held, index: index) {
                results[index] = try take(requests[index], record: records[index], in: folder, number: first + index + 1)
            }
        }
        while !held.isEmpty {
            if polling != nil { try polling!.pause() } else { polling = Polling() }  // the first look at once
            let looked = held
            held = []
            for (index, lastHolder) in looked {
                let number = first + index + 1
                guard let folder = try lockedUnlessHeld(requests[index], records[index], held: &held, index: index) else {
                    let holder = held.last!.holder
                    if announced[index] != holder { onSharing?(.waiting(number: number, label: requests[index].label, holder: holder)) }
                    announced[index] = holder
                    continue
                }
                results[index] = try take(requests[index], record: records[index], in: folder, number: number, lastHolder: lastHolder)
            }
        }
        return results.map { $0! }
    }

    /// The run folder of `request`, locked; nil, with the run and its holder appended to `held`,
    /// when another process holds it.
    private func lockedUnlessHeld(_ request: Request, _ record: RunRecord, held: inout [(index: Int, holder: String)], index: Int) throws -> RunFolder? {
        do { return try RunFolder(path: folderPath(request.label, record: record)) } catch let CheckpointError.locked(_, holder) {
            held.append((index, holder))
            return nil
        }
    }

    /// Trains, continues or reads back `request` in `folder`, whose lock this process holds.
    /// `lastHolder`: the process this one saw holding the folder before (nil when it did not
    /// wait for it), which has let go of it.
    private func take(_ request: Request, record: RunRecord, in folder: RunFolder, number: Int, lastHolder: String? = nil) throws -> StudyRun {
        if var finished = try folder.finishedResult(for: record) {
            if counted.contains(folder.path) || !Self.written(folder.path(of: .result), since: reusedBefore) {
                onRunStart?(number, request.label, record.training.epochs, true)
                reused += 1
            } else {
                onSharing?(.trainedElsewhere(number: number, label: request.label))
                finished.reused = false
                trained += 1
                counted.insert(folder.path)
            }
            return StudyRun(label: request.label, result: finished)
        }
        if let lastHolder { onSharing?(.takingOver(number: number, label: request.label, holder: lastHolder)) }
        onRunStart?(number, request.label, record.training.epochs, false)
        let result = try train(record, in: folder)
        trained += 1
        counted.insert(folder.path)
        return StudyRun(label: request.label, result: result)
    }

    /// Whether the file at `path` was last written at or after `instant` (false when it cannot
    /// be read).
    private static func written(_ path: String, since instant: Date) -> Bool {
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return false }
        return modified >= instant
    }

    /// A run that fails before its first file (a model too large for the machine) leaves no
    /// folder behind that holds only its lock.
    private func train(_ record: RunRecord, in folder: RunFolder) throws -> RunResult {
        defer { folder.discardIfUnstarted() }
        if !folder.hasRun { try RunFolder.checkHoldsNoOtherFiles(folder.path, fix: "Move them away, or choose another output.folder.") }
        return try Training.run(record, on: dataset, in: folder, report: reportOptions, cacheDirectory: cacheDirectory) { [onBatch] event in
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
