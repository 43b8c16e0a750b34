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
    /// The number format of the products (asked for; `TrainingRun.precision` is what the CPU gave).
    public var precision = Precision.float32

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case optimizer, batchSize, epochs, seed, inputScaling, threads, continueOnNonFinite, patience, schedule, precision
    }

    /// Decodes a configuration; `precision` may be missing (files written before it existed
    /// trained in float32).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        optimizer = try container.decode(SGDConfiguration.self, forKey: .optimizer)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        epochs = try container.decode(Int.self, forKey: .epochs)
        seed = try container.decode(UInt64.self, forKey: .seed)
        inputScaling = try container.decode(InputScaling.self, forKey: .inputScaling)
        threads = try container.decode(Int.self, forKey: .threads)
        continueOnNonFinite = try container.decode(Bool.self, forKey: .continueOnNonFinite)
        patience = try container.decodeIfPresent(Int.self, forKey: .patience)
        schedule = try container.decode(LearningRateSchedule.self, forKey: .schedule)
        precision = try container.decodeIfPresent(Precision.self, forKey: .precision) ?? .float32
    }
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
