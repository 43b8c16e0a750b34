/// Everything a finished (or diverged, or early-stopped) training measured: what `result.json`
/// of a run folder holds, what `mlplab train --json` prints and what `Training.run` returns:
/// one object, one JSON shape.
public struct RunResult: Codable, Sendable {
    public var mlplabVersion = MLPLabVersion.string
    /// The run's folder, nil for a run trained without one.
    public var runFolder: String?
    /// What was trained, as config.json records it.
    public var record: RunRecord
    public var splitSizes: SplitSizes
    /// One entry per epoch trained.
    public var epochs: [EpochMetrics]
    /// Accuracy of the kept weights (best on validation, else the last) on the whole training split
    /// (after training, not the running figure of `EpochMetrics`) and on the test split.
    public var trainAccuracy: Double
    public var testAccuracy: Double
    /// Validation accuracy of the kept weights, nil without a validation split.
    public var bestValidationAccuracy: Double?
    /// The epoch whose weights were kept, nil without a validation split.
    public var bestEpoch: Int?
    public var stoppedEarly: Bool
    public var divergence: Divergence?
    /// Accuracy of each class, in class order (nil for a class without samples in the split).
    public var trainPerClass: [Double?]
    public var testPerClass: [Double?]
    /// confusion[true class][predicted class] on the test split.
    public var testConfusion: [[Int]]
    /// Seconds in training steps (not evaluation), and training samples per second over them.
    public var trainingSeconds: Double
    public var samplesPerSecond: Double
    /// The products' number format that ran (bf16 asked for on a CPU without it ran float32).
    public var productPrecision: Precision
    /// Parameters that are not exactly 0 in the kept model (Part 5's zero initialization).
    public var nonZeroParameters: Int
    public var parameterCount: Int
    /// Whether this result was read from a finished run folder instead of trained now (not stored).
    public var reused = false

    private enum CodingKeys: String, CodingKey {
        case mlplabVersion, runFolder, record, splitSizes, epochs, trainAccuracy, testAccuracy, bestValidationAccuracy, bestEpoch
        case stoppedEarly, divergence, trainPerClass, testPerClass, testConfusion, trainingSeconds, samplesPerSecond
        case productPrecision, nonZeroParameters, parameterCount
    }

    /// The mean training loss of the last epoch (nan when no epoch ran).
    public var finalLoss: Double { epochs.last?.loss ?? .nan }
}
