/// Everything that decides a training's result besides the data and the model's shape.
///
/// Defaults are the assignment's: SGD lr 0.01, batch 64, 10 epochs, inputs ÷ 255.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    public var optimizer = SGDConfiguration()
    public var batchSize = 64
    public var epochs = 10
    public var seed: UInt64 = 1
    public var inputScaling = InputScaling.unitRange
    /// Threads for products and elementwise work. Results are bit-identical for one count.
    public var threads = 1
    /// Keep training after the loss turns non-finite (the assignment did; the default stops).
    public var continueOnNonFinite = false
    /// Stop when validation accuracy has not improved for this many epochs (nil: never).
    public var patience: Int?
    /// How the learning rate changes over the epochs.
    public var schedule = LearningRateSchedule.constant

    public init() {}
}

/// Where the data comes from and how it is split.
public struct DataConfiguration: Codable, Equatable, Sendable {
    /// "fashion-mnist" or a path.
    public var source = FashionMNIST.name
    public var validationFraction = 0.1
    /// Used when the data has no official test set.
    public var testFraction = 0.2
    /// Keep only this many training samples (stratified), for quick runs.
    public var trainLimit: Int?
    /// Where Fashion-MNIST's files were read from (nil: the default).
    public var dataDirectory: String?
    /// How an image folder is read.
    public var imageFolder = ImageFolderOptions()

    public init() {}
}
