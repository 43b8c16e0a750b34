/// Everything that decides a training's result besides the data and the model's shape.
///
/// Defaults are the assignment's: Optimizer lr 0.01, batch 64, 10 epochs, inputs ÷ 255.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    /// SGD's settings; the assignment's plain SGD at lr 0.01 by default.
    public var optimizer = OptimizerConfiguration()
    /// Samples per step; 64, the assignment's, by default. The last batch of an epoch takes what is
    /// left, so it may be smaller.
    public var batchSize = 64
    /// Passes over the training split; 10, the assignment's, by default.
    public var epochs = 10
    /// The run's seed: initialization, the split and each epoch's shuffle draw their own streams
    /// from it. 1 by default, fixed rather than random, so that a run repeats.
    public var seed: UInt64 = 1
    /// How pixel bytes become inputs; ÷255 (0…1) by default, as the assignment normalizes.
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
    /// Weights to start from instead of drawing them (`init_from` in config.json: the file and
    /// the fingerprint of what was read); nil (left out of config.json) draws them from the seed.
    public var initialWeights: InitialWeights?
    /// Dropout after each hidden layer's activation (``Dropout``): one probability for all, or one
    /// per hidden layer, each in 0..<1; nil (left out of config.json) for none.
    public var dropout: [Double]?
    /// Random flips and shifts of each training image as its batch is gathered (``Augmentation``);
    /// nil (left out of config.json) for none.
    public var augment: Augmentation?

    /// The assignment's settings: Optimizer lr 0.01, batch 64, 10 epochs, seed 1, inputs ÷255, one
    /// thread, a constant rate, float32 products, no early stopping, and a stop on divergence.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case optimizer, batchSize, epochs, seed, inputScaling, threads, continueOnNonFinite, patience, schedule, precision
        case initialWeights = "initFrom"
        case dropout, augment
    }

    /// Decodes a configuration; `precision` may be missing (files written before it existed
    /// trained in float32).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        optimizer = try container.decode(OptimizerConfiguration.self, forKey: .optimizer)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        epochs = try container.decode(Int.self, forKey: .epochs)
        seed = try container.decode(UInt64.self, forKey: .seed)
        inputScaling = try container.decode(InputScaling.self, forKey: .inputScaling)
        threads = try container.decode(Int.self, forKey: .threads)
        continueOnNonFinite = try container.decode(Bool.self, forKey: .continueOnNonFinite)
        patience = try container.decodeIfPresent(Int.self, forKey: .patience)
        schedule = try container.decode(LearningRateSchedule.self, forKey: .schedule)
        precision = try container.decodeIfPresent(Precision.self, forKey: .precision) ?? .float32
        initialWeights = try container.decodeIfPresent(InitialWeights.self, forKey: .initialWeights)
        dropout = try container.decodeIfPresent([Double].self, forKey: .dropout)
        augment = try container.decodeIfPresent(Augmentation.self, forKey: .augment)
    }
}

extension TrainingConfiguration {
    /// The most epochs, batch rows and threads a configuration may ask for: far past any real
    /// training, and small enough that no count derived from them overflows.
    public static let maximumEpochs = 1_000_000
    /// The largest batch a configuration may ask for, in samples.
    public static let maximumBatchSize = 10_000_000
    /// The most threads a configuration may ask for.
    public static let maximumThreads = 1024

    /// Throws ``ConfigurationError`` for a setting no training can run with: the optimizer's
    /// (see `OptimizerConfiguration.validate`), a batch size, epoch count or thread count outside its
    /// range, a patience below 1.
    public func validate() throws {
        try optimizer.validate()
        try Check.whole(batchSize, "training.batch_size", in: 1...Self.maximumBatchSize, fix: "the assignment uses 64")
        try Check.whole(epochs, "training.epochs", in: 1...Self.maximumEpochs)
        try Check.whole(threads, "training.threads", in: 1...Self.maximumThreads)
        if let patience { try Check.whole(patience, "training.patience", in: 1...Int.max) }
        if let dropout {
            guard !dropout.isEmpty else {
                throw ConfigurationError(setting: "training.dropout", value: "no values", rule: "must hold one probability, or one per hidden layer")
            }
            for p in dropout where !(p >= 0 && p < 1) {
                throw ConfigurationError(setting: "training.dropout", value: p, rule: "must be at least 0 and below 1", fix: "nn.Dropout's default is 0.5; 0.2 is a usual start")
            }
        }
        try augment?.validate()
        if let initialWeights, initialWeights.path.isEmpty || initialWeights.fingerprint.isEmpty {
            throw ConfigurationError(setting: "training.init_from", value: "'\(initialWeights.path)'",
                                     rule: "must name a file and the fingerprint of its weights", fix: "give a model file")
        }
    }
}
