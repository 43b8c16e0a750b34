import Foundation

/// A folder of run folders keyed by what they train: each run's folder is named by its label and
/// a hash of its data, model and training configuration and the data's fingerprint. Asking for
/// the same run again reuses it when finished and continues it from its checkpoint when not;
/// that is what makes studies and sweeps resumable.
public final class RunStore {
    public let directory: String
    public let dataset: Dataset
    public let data: DataConfiguration

    /// Called when a run starts: (label, epochs, reused?).
    public var onRunStart: ((String, Int, Bool) -> Void)?
    public var onBatch: TrainingRun.BatchObserver?
    /// Checked after every batch; true stops at a safe point (the run's last checkpoint stays).
    public var shouldStop: () -> Bool = { false }
    public private(set) var trained = 0
    public private(set) var reused = 0

    /// Thrown when `shouldStop` interrupted a run.
    public struct Interrupted: Error {}

    public init(directory: String, dataset: Dataset, data: DataConfiguration) {
        self.directory = directory
        self.dataset = dataset
        self.data = data
    }

    /// Trains (or reuses, or continues) `label` with this model and training configuration;
    /// `trainLimit` overrides the data's subset size for this run.
    public func run(_ label: String, model: ModelConfiguration, training: TrainingConfiguration,
                    trainLimit: Int?? = .none) throws -> StudyRun {
        var data = self.data
        if case let .some(limit) = trainLimit { data.trainLimit = limit }
        let record = RunRecord(command: ["mlplab"], data: data, dataset: dataset, model: model, training: training)
        var hasher = FNV1a()
        hasher.add(String(decoding: try JSONEncoder.sorted.encode([AnyEncodable(record.data), AnyEncodable(record.model),
                                                                   AnyEncodable(record.training)]), as: UTF8.self))
        hasher.add(record.dataFingerprint)
        let slug = label.replacingOccurrences(of: " ", with: "-").filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        let folder = try RunFolder(path: "\(directory)/\(slug)-\(hasher.hexDigest.prefix(10))")
        let finished = folder.finishedOutcome(for: record)
        onRunStart?(label, training.epochs, finished != nil)
        guard let outcome = try finished ?? folder.execute(record: record, dataset: dataset, onBatch: onBatch, shouldStop: shouldStop) else {
            throw Interrupted()
        }
        if outcome.reused { reused += 1 } else { trained += 1 }
        return StudyRun(label: label, outcome: outcome)
    }
}
