/// Everything a finished (or diverged, or early-stopped) training measured: what `result.json`
/// of a run folder holds, what `mlplab train` prints as JSON and what `Training.run` returns:
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
    /// (after training, not the running figure of ``EpochMetrics``), 0…1.
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
    /// Seconds in training steps (not evaluation).
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

extension RunResult {
    /// Why this result cannot come from a training of its own record, or nil: it is read back
    /// from result.json, which may have been edited, and reports index its per-class lists by
    /// class and print its numbers. Checks the record as a typed one, then every count, fraction
    /// and time against it: one entry per class, accuracies within 0…1, times within 0…10¹² seconds.
    public var inconsistency: String? {
        do { try record.validate() } catch {
            let named = (error as? ConfigurationError).map { "\($0.inFile(prefix: "record."))" } ?? "its record's \(error)"
            return named.trimmingCharacters(in: ["."])
        }
        let classes = record.classNames.count, count = 0...(1 << 52)
        func isFraction(_ value: Double?) -> Bool { value.map { $0 >= 0 && $0 <= 1 } ?? true }
        func isTime(_ value: Double) -> Bool { value.isFinite && value >= 0 && value <= 1e12 }
        guard [splitSizes.train, splitSizes.validation, splitSizes.test].allSatisfy(count.contains) else {
            return "'split_sizes' holds an impossible count"
        }
        guard epochs.count <= record.training.epochs, epochs.enumerated().allSatisfy({ $0.element.epoch == $0.offset + 1 }) else {
            return "'epochs' does not hold epochs 1, 2, … up to the \(record.training.epochs) asked for"
        }
        // A finished run trained every epoch asked for, unless early stopping or a divergence
        // (when it stops on one) ended it sooner, after at least one.
        let endedSooner = stoppedEarly || (divergence != nil && !record.training.continueOnNonFinite)
        guard endedSooner ? !epochs.isEmpty : epochs.count == record.training.epochs else {
            return "'epochs' holds \(epochs.count) epoch\(epochs.count == 1 ? "" : "s"), but a finished run of 'record.training.epochs' \(record.training.epochs) holds \(endedSooner ? "at least 1" : "\(record.training.epochs)")"
        }
        if stoppedEarly, record.training.patience == nil { return "'stopped_early' is true, but its record sets no 'patience'" }
        if let problem = epochs.lazy.compactMap(\.inconsistency).first { return "it \(problem)" }
        if let problem = divergence?.inconsistency(epochs: epochs.count) { return "it \(problem)" }
        for (key, value) in [("train_accuracy", trainAccuracy as Double?), ("test_accuracy", testAccuracy), ("best_validation_accuracy", bestValidationAccuracy)] {
            if !isFraction(value) { return "'\(key)' is \(value.map { "\($0)" } ?? "null"), outside 0…1" }
        }
        guard (bestEpoch == nil) == (bestValidationAccuracy == nil), bestEpoch.map({ (1...max(epochs.count, 1)).contains($0) }) ?? true else {
            return "'best_epoch' is not one of its epochs"
        }
        guard trainPerClass.count == classes, testPerClass.count == classes,
              trainPerClass.allSatisfy(isFraction), testPerClass.allSatisfy(isFraction) else {
            return "'train_per_class' and 'test_per_class' must hold an accuracy within 0…1 (or null) for each of the \(classes) classes"
        }
        guard testConfusion.count == classes, testConfusion.allSatisfy({ $0.count == classes && $0.allSatisfy(count.contains) }) else {
            return "'test_confusion' must be \(classes)×\(classes) non-negative counts"
        }
        guard isTime(trainingSeconds), samplesPerSecond.isFinite, samplesPerSecond >= 0 else {
            return "'training_seconds' must be 0…10¹² and 'samples_per_second' finite and not negative"
        }
        guard parameterCount == record.model.parameterCount, (0...parameterCount).contains(nonZeroParameters) else {
            return "'parameter_count' or 'non_zero_parameters' does not fit its model of \(record.model.parameterCount) parameters"
        }
        return nil
    }
}
