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
    /// The gradient norm of the run's first step, and of the last step whose loss was finite.
    public var firstGradientNorm: Double
    /// The gradient norm of the last step with a finite loss before it (for a collapse, of the step
    /// before the explosion).
    public var lastFiniteGradientNorm: Double
    /// Why it probably happened and what to change, written from the configuration and the norms.
    public var diagnosis: String

}
