/// What one epoch of training measured.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// The epoch's number, counted from 1.
    public var epoch: Int
    /// Mean of the batch losses, as the assignment's `fit` prints it. Non-finite when training
    /// diverged: reported, never hidden.
    public var loss: Double
    /// Running accuracy on the training batches during the epoch (each batch judged before its
    /// update, as Keras reports `accuracy`): free to compute, a little below the end-of-epoch figure.
    public var trainAccuracy: Double
    /// Accuracy on the validation split, nil without one.
    public var validationAccuracy: Double?
    /// Mean L2 norm of the gradient over the epoch's steps.
    public var gradientNorm: Double
    /// Wall-clock seconds of the epoch's training steps; the validation pass after them is not
    /// counted, so samples/s reflect training alone.
    public var seconds: Double
    /// The learning rate used in this epoch.
    public var learningRate: Double

    /// Why these metrics cannot come from a training ("has epoch 2 with …"), or nil (they are read back from
    /// checkpoints and result.json): accuracies outside 0…1, a negative loss or gradient norm
    /// (nan and inf are what a diverged epoch reports), seconds outside 0…10¹², a learning
    /// rate that is negative or not finite. The epoch number is the caller's to check against its position.
    public var inconsistency: String? {
        func isFraction(_ value: Double) -> Bool { value >= 0 && value <= 1 }
        func isMagnitude(_ value: Double) -> Bool { value.isNaN || value >= 0 }
        func isFinite(_ value: Double) -> Bool { value.isFinite && value >= 0 }
        if !isFinite(seconds) || seconds > 1e12 { return "has epoch \(epoch) with 'seconds' \(seconds), not a time a training takes" }
        if !isFraction(trainAccuracy) { return "has epoch \(epoch) with 'train_accuracy' \(trainAccuracy), outside 0…1" }
        if let validationAccuracy, !isFraction(validationAccuracy) {
            return "has epoch \(epoch) with 'validation_accuracy' \(validationAccuracy), outside 0…1"
        }
        if !isMagnitude(loss) { return "has epoch \(epoch) with a negative 'loss' (\(loss))" }
        if !isMagnitude(gradientNorm) { return "has epoch \(epoch) with a negative 'gradient_norm' (\(gradientNorm))" }
        if !isFinite(learningRate) { return "has epoch \(epoch) with 'learning_rate' \(learningRate)" }
        return nil
    }
}

/// Where and how the loss stopped being finite.
public struct Divergence: Codable, Equatable, Sendable {
    /// The epoch in which it happened, counted from 1.
    public var epoch: Int
    /// 1-based batch within the epoch.
    public var batch: Int
    /// The batch loss that was not finite, or, for a collapse, the first one above
    /// `TrainingRun.explosionThreshold`.
    public var loss: Double
    /// The gradient norm of the run's first step.
    public var firstGradientNorm: Double
    /// The gradient norm of the last step with a finite loss before it (for a collapse, of the step
    /// before the explosion).
    public var lastFiniteGradientNorm: Double
    /// Why it probably happened and what to change, written from the configuration and the norms.
    public var diagnosis: String

    /// Why this divergence cannot come from a training of `epochs` finished epochs, or nil: its
    /// epoch is not one of them, its batch is below 1 or past any count, or a norm is negative.
    public func inconsistency(epochs: Int) -> String? {
        guard (1...max(epochs, 1)).contains(epoch), epochs >= 1 else { return "has a 'divergence' in epoch \(epoch), which it did not train" }
        guard (1...(1 << 52)).contains(batch) else { return "has a 'divergence' in batch \(batch)" }
        guard [firstGradientNorm, lastFiniteGradientNorm].allSatisfy({ $0.isNaN || $0 >= 0 }) else {
            return "has a 'divergence' with a negative gradient norm"
        }
        return nil
    }
}
