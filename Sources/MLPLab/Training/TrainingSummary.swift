/// The result of a training as `mlplab train --json` prints it: enough to repeat the run and to
/// trust its numbers.
public struct TrainingSummary: Codable, Sendable {
    public var mlplabVersion = MLPLabVersion.string
    public var data: DataConfiguration
    public var model: ModelConfiguration
    public var training: TrainingConfiguration
    public var splitSizes: [String: Int]
    public var epochs: [EpochMetrics]
    public var trainAccuracy: Double
    public var validationAccuracy: Double?
    public var testAccuracy: Double
    public var samplesPerSecond: Double
    public var trainingSeconds: Double
    public var engine: String
    public var instructionSet: String
    public var threads: Int
    /// The products' number format that ran (bf16 asked for on a CPU without it ran float32).
    public var productPrecision: Precision
    public var divergence: Divergence?
    public var runFolder: String?
    public var bestEpoch: Int?
    public var stoppedEarly: Bool

    enum CodingKeys: String, CodingKey {
        case data, model, training, epochs, engine, threads, divergence
        case mlplabVersion = "mlplab_version"
        case splitSizes = "split_sizes"
        case trainAccuracy = "train_accuracy"
        case validationAccuracy = "validation_accuracy"
        case testAccuracy = "test_accuracy"
        case samplesPerSecond = "samples_per_second"
        case trainingSeconds = "training_seconds"
        case instructionSet = "instruction_set"
        case runFolder = "run_folder"
        case bestEpoch = "best_epoch"
        case stoppedEarly = "stopped_early"
        case productPrecision = "product_precision"
    }

    public init(run: TrainingRun, data: DataConfiguration, trainAccuracy: Double, validationAccuracy: Double?, testAccuracy: Double,
                runFolder: String? = nil) {
        self.runFolder = runFolder
        bestEpoch = run.bestEpoch
        stoppedEarly = run.stoppedEarly
        self.data = data
        model = run.model.configuration
        training = run.configuration
        splitSizes = ["train": run.split.train.count, "validation": run.split.validation.count, "test": run.split.test.count]
        epochs = run.history
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
        self.testAccuracy = testAccuracy
        samplesPerSecond = run.samplesPerSecond
        trainingSeconds = run.trainingSeconds
        engine = MatMul.engineVersion
        instructionSet = MatMul.instructionSet
        threads = run.configuration.threads
        productPrecision = run.precision
        divergence = run.divergence
    }
}
