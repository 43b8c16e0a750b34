/// What one epoch of training measured.
public struct EpochMetrics: Codable, Equatable, Sendable {
    public var epoch: Int
    /// Mean of the batch losses, as the assignment's `fit` prints it. Non-finite when training
    /// diverged: reported, never hidden.
    public var loss: Double
    /// Accuracy on the validation split, nil without one.
    public var validationAccuracy: Double?
    public var seconds: Double
    /// The learning rate used in this epoch.
    public var learningRate: Double

    enum CodingKeys: String, CodingKey {
        case epoch, loss, seconds
        case validationAccuracy = "validation_accuracy"
        case learningRate = "learning_rate"
    }
}

/// Where and how the loss stopped being finite.
public struct Divergence: Codable, Equatable, Sendable {
    public var epoch: Int
    /// 1-based batch within the epoch.
    public var batch: Int
    public var loss: Double
    /// Why it probably happened and what to change, written from the configuration.
    public var diagnosis: String
}
