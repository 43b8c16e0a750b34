import Foundation

/// What `mlplab evaluate` reports: a model's accuracy and loss on a data set's test split,
/// overall and per class, and which split that was.
public struct ModelEvaluation: Codable, Sendable {
    /// The model file evaluated; for a vote, every member's, joined by " + ".
    public var model: String
    /// The data set's name.
    public var data: String
    /// Which split was scored: "the official test set", or "a stratified 20 % test split, seed 1".
    public var split: String
    /// Test samples scored.
    public var samples: Int
    /// Fraction of them predicted correctly, 0…1 (0 without samples).
    public var accuracy: Double
    /// Mean cross-entropy.
    public var loss: Double
    /// One entry per class, in label order.
    public var classes: [ClassResult]

    /// One class's part of the evaluation.
    public struct ClassResult: Codable, Sendable {
        /// The class's name.
        public var name: String
        /// Test samples of this class.
        public var samples: Int
        /// How many of them the model predicted as this class.
        public var correct: Int
        /// nil for a class without samples in the split.
        public var accuracy: Double?
    }

    /// The report of `evaluation`, made on `dataset`'s test split of `data` with `seed`.
    public init(model: String, dataset: Dataset, data: DataConfiguration, seed: UInt64, evaluation: Evaluation) {
        self.model = model
        self.data = dataset.name
        split = dataset.officialTestRange != nil ? "the official test set"
            : "a stratified \(Format.trimmed(data.testFraction * 100)) % test split, seed \(seed)"
        samples = evaluation.total.reduce(0, +)
        accuracy = evaluation.accuracy
        loss = evaluation.loss
        classes = dataset.classNames.indices.map {
            ClassResult(name: dataset.classNames[$0], samples: evaluation.total[$0], correct: evaluation.correct[$0],
                        accuracy: evaluation.perClassAccuracy[$0])
        }
    }
}

extension RunRecord {
    /// Throws `CheckpointError.splitDiffers` unless `data` and `seed` rebuild this run's own
    /// test split of `dataset`: the data it trained on (the fingerprint; images added, removed
    /// or changed move every image's place in the split), and for data without an official test
    /// set, the same test fraction and seed. Another split of the same data would hold images
    /// the run trained on, and score them as test images.
    public func checkOwnTestSplit(of dataset: Dataset, data: DataConfiguration, seed: UInt64, path: String) throws {
        if dataset.fingerprint != dataFingerprint {
            throw CheckpointError.splitDiffers(path: path, reason: "the data differs from the data the run trained on (images added, removed or changed: fingerprint \(dataFingerprint) then, \(dataset.fingerprint) now), so its test split cannot be rebuilt")
        }
        guard dataset.officialTestRange == nil else { return }
        if data.testFraction != self.data.testFraction {
            throw CheckpointError.splitDiffers(path: path, reason: "data.test_fraction \(Format.trimmed(data.testFraction)) is not the run's \(Format.trimmed(self.data.testFraction)), and that split would hold images the run trained on")
        }
        if seed != training.seed {
            throw CheckpointError.splitDiffers(path: path, reason: "training.seed \(seed) is not the run's \(training.seed), and that split would hold images the run trained on")
        }
    }
}

extension ModelEvaluation {
    /// Accuracy, correct and images of each class.
    public var table: TextTable {
        TextTable(header: ["class", "accuracy", "correct", "images"],
                  rows: classes.map { [$0.name, Format.number($0.accuracy), String($0.correct), String($0.samples)] })
    }
}

extension ModelEvaluation {
    /// Scores the model at `path` (a run folder or a model.safetensors file) on a test split:
    /// what `mlplab evaluate` does.
    ///
    /// A run folder is scored on its own test split: its data settings and seed are the base
    /// that `data` and `seed` change, and a change that would put images it trained on in the
    /// split is refused (`RunRecord.checkOwnTestSplit`). A model file alone is scored on the
    /// split asked for (seed 1 by default). A model trained on resized images reads the data
    /// resized as its training did. `load` loads the data (its settings and a thread count in).
    public static func evaluate(model path: String, data: (DataConfiguration) -> DataConfiguration = { $0 }, seed: UInt64? = nil,
                                load: (DataConfiguration, Int) throws -> Dataset) throws -> (report: ModelEvaluation, evaluation: Evaluation, dataset: Dataset) {
        try evaluate(models: [path], data: data, seed: seed, load: load)
    }

    /// Scores the soft vote of the models at `paths` (``Ensemble``; one path: that model alone)
    /// on a test split, as `evaluate(model:data:seed:load:)` scores one model. The first run
    /// folder among them gives the data settings and seed that `data` and `seed` change, and the
    /// split must be every run folder's own test split: a member that trained on any of its
    /// images is refused, naming it. The report names the models joined by " + ".
    public static func evaluate(models paths: [String], data: (DataConfiguration) -> DataConfiguration = { $0 }, seed: UInt64? = nil,
                                load: (DataConfiguration, Int) throws -> Dataset) throws -> (report: ModelEvaluation, evaluation: Evaluation, dataset: Dataset) {
        let ensemble = try Ensemble(contentsOf: paths)
        let stored = try paths.map { try RunFiles.record(in: $0) }
        let base = stored.compactMap { $0 }.first
        let first = ensemble.members[0]
        let settings = first.preparing(data(base?.data ?? DataConfiguration()))
        let dataset = try load(settings, first.threads)
        for member in ensemble.members { try member.check(against: dataset) }
        let splitSeed = seed ?? base?.training.seed ?? 1
        // Run folders whose own splits differ among themselves: named together, whatever was given.
        let runs = zip(paths, stored).compactMap { path, record in record.map { (path: path, record: $0) } }
        if dataset.officialTestRange == nil, let first = runs.first {
            for other in runs.dropFirst() {
                let (a, b) = (first.record, other.record)
                if a.data.testFraction != b.data.testFraction {
                    throw CheckpointError.votersSplitsDiffer(path: other.path, other: first.path, reason: "they hold out data.test_fraction \(Format.trimmed(a.data.testFraction)) and \(Format.trimmed(b.data.testFraction))")
                }
                if a.training.seed != b.training.seed {
                    throw CheckpointError.votersSplitsDiffer(path: other.path, other: first.path, reason: "they split with training.seed \(a.training.seed) and \(b.training.seed)")
                }
            }
        }
        for (path, record) in zip(paths, stored) {
            try record?.checkOwnTestSplit(of: dataset, data: settings, seed: splitSeed, path: path)
        }
        let split = try DatasetSplit.make(for: dataset, data: settings, seed: splitSeed)
        let evaluation = paths.count == 1 ? try first.evaluate(split.test, of: dataset) : try ensemble.evaluate(split.test, of: dataset)
        let name = ensemble.members.map(\.path).joined(separator: " + ")
        return (ModelEvaluation(model: name, dataset: dataset, data: settings, seed: splitSeed, evaluation: evaluation), evaluation, dataset)
    }
}
