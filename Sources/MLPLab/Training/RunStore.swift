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

    /// Called when a run starts: (label, epochs, reused?).
    public var onRunStart: ((String, Int, Bool) -> Void)?
    /// Called after every batch of the run in progress: (epoch, batch, batches).
    public var onBatch: TrainingRun.BatchObserver?
    /// Called when a run trained here finishes, before its result.json is written: where a
    /// report of the run (charts, summary.md) is written.
    public var onRunFinished: ((RunResult, RunFolder) throws -> Void)?
    /// Runs trained here (new or continued from a checkpoint) so far.
    public private(set) var trained = 0
    /// Runs whose finished result was read back from their folder instead of trained.
    public private(set) var reused = 0

    /// A store of run folders under `directory`; nothing is written until a run starts.
    public init(directory: String, dataset: Dataset, data: DataConfiguration) {
        self.directory = directory
        self.dataset = dataset
        self.data = data
    }

    /// The record of `label`'s run, and its folder's path.
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
        let record = plan(model: model, training: training, trainLimit: trainLimit)
        let folder = try RunFolder(path: folderPath(label, record: record))
        let finished = try folder.finishedResult(for: record)
        onRunStart?(label, training.epochs, finished != nil)
        let result = try finished ?? Training.run(record, on: dataset, in: folder) { [onBatch, onRunFinished] event in
            switch event {
            case let .batch(epoch, batch, count): onBatch?(epoch, batch, count)
            case let .finished(result): try onRunFinished?(result, folder)
            default: break
            }
        }
        if result.reused { reused += 1 } else { trained += 1 }
        return StudyRun(label: label, result: result)
    }
}
