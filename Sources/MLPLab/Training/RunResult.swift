/// Everything a finished (or diverged, or early-stopped) training measured: what `result.json`
/// of a run folder holds, what `mlplab train --json` prints and what `Training.run` returns:
/// one object, one JSON shape.
public struct RunResult: Codable, Sendable {
    /// The MLPLab version that trained the run.
    public var mlplabVersion = MLPLabVersion.string
    /// The run's folder, nil for a run trained without one.
    public var runFolder: String?
    /// What was trained, as config.json records it.
    public var record: RunRecord
    /// Samples in the train, validation and test splits the run used.
    public var splitSizes: SplitSizes
    /// One entry per epoch trained.
    public var epochs: [EpochMetrics]
    /// Accuracy of the kept weights (best on validation, else the last) on the whole training split
    /// (after training, not the running figure of `EpochMetrics`) and on the test split.
    public var trainAccuracy: Double
    /// Accuracy of the kept weights on the test split, 0…1.
    public var testAccuracy: Double
    /// Validation accuracy of the kept weights, nil without a validation split.
    public var bestValidationAccuracy: Double?
    /// The epoch whose weights were kept, nil without a validation split.
    public var bestEpoch: Int?
    /// Whether early stopping (`patience`) ended the training before its last epoch.
    public var stoppedEarly: Bool
    /// Where the loss stopped being finite or exploded; nil when it never did.
    public var divergence: Divergence?
    /// Accuracy of each class, in class order (nil for a class without samples in the split).
    public var trainPerClass: [Double?]
    /// Test accuracy of each class, in class order (nil for a class without test samples).
    public var testPerClass: [Double?]
    /// confusion[true class][predicted class] on the test split.
    public var testConfusion: [[Int]]
    /// Seconds in training steps (not evaluation), and training samples per second over them.
    public var trainingSeconds: Double
    /// Training samples per second over `trainingSeconds`.
    public var samplesPerSecond: Double
    /// The products' number format that ran (bf16 asked for on a CPU without it ran float32).
    public var productPrecision: Precision
    /// Parameters that are not exactly 0 in the kept model (Part 5's zero initialization).
    public var nonZeroParameters: Int
    /// Weights and biases in the model.
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
