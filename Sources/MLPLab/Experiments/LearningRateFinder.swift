import Foundation

/// The learning-rate range test (Leslie Smith, 2015; fastai's `lr_find`): one pass over the
/// training data with the rate growing exponentially from `start` to `end`, recording the loss
/// of every batch. The loss first falls faster as the rate grows, then turns and explodes.
public struct LearningRateFinder {
    /// The first batch's learning rate; 1e-5 by default, low enough that the curve starts flat.
    public var start = 1e-5
    /// The rate the last batch would reach; 1.0 by default, far above the rates these models train
    /// at (the study's run 0.001…0.2), so that the curve shows the turn. The pass stops early once
    /// the smoothed loss explodes.
    public var end = 1.0
    /// Batches in the pass (default: one epoch's, at most 400).
    public var steps: Int?

    /// A finder from `start` to `end` over `steps` batches (nil: one epoch's, at most 400). Not
    /// checked here; `validate()` and `run(on:…)` check it.
    public init(start: Double = 1e-5, end: Double = 1.0, steps: Int? = nil) {
        self.start = start
        self.end = end
        self.steps = steps
    }

    /// The curve the test recorded, and the rate it suggests.
    public struct Result: Codable, Sendable {
        /// The rate of each batch run, rising exponentially from `start`; ends early if the loss explodes.
        public var learningRates: [Double]
        /// Each batch's mean training loss, at the rate of the same index; the last may be nan or inf.
        public var losses: [Double]
        /// Exponentially smoothed losses (β = 0.98, bias-corrected), as fastai plots them.
        public var smoothed: [Double]
        /// The rate at the lowest smoothed loss.
        public var minimumLossRate: Double
        /// The rate to train with: `minimumLossRate` / 10, as `rule` says.
        public var suggestion: Double
        /// How `suggestion` is chosen, in words, for reports.
        public static let rule = "a tenth of the learning rate at the lowest smoothed loss (fastai's 'minimum/10')"
        /// The lowest finite smoothed loss (nan when none is finite).
        public var lowestLoss: Double { smoothed.filter(\.isFinite).min() ?? .nan }
    }

    /// The fewest steps a test takes: over fewer, the smoothed loss (β = 0.98) has hardly moved
    /// from the first batch's, and its minimum says nothing about the rate.
    public static let minimumSteps = 10

    /// Throws ``ConfigurationError`` unless 0 < start < end (finite) and steps, if set, is at least
    /// `minimumSteps`.
    public func validate() throws {
        guard start > 0, end > start, end.isFinite else {
            throw ConfigurationError(setting: "lr_find.start and lr_find.end", value: "\(start), \(end)", rule: "must be positive, lr_find.start below lr_find.end")
        }
        if let steps { try Check.whole(steps, "lr_find.steps", in: Self.minimumSteps...Int.max) }
    }

    /// Runs the test on a fresh model of `model` trained as `training` says (its batch size,
    /// momentum, seed, threads; the rate is the finder's), on the training split of `dataset`
    /// that `data` describes. Checks the configurations and the memory first.
    public func run(on dataset: Dataset, data: DataConfiguration, model: ModelConfiguration,
                    training: TrainingConfiguration) throws -> Result {
        try data.validate()
        try model.validate()
        try training.validate()
        try validate()
        let split = try DatasetSplit.make(for: dataset, data: data, seed: training.seed)
        try MemoryBudget.check(model: model, training: training, validation: false, trainingSamples: split.train.count,
                               otherBytes: dataset.pixels.count)
        return try run(TrainingRun(dataset: dataset, split: split, model: model, configuration: training))
    }

    /// Runs the test on `run`'s model and training split (the model's weights change: use a fresh
    /// run). Throws ``ConfigurationError`` when the training split holds fewer than `minimumSteps`
    /// batches (no curve to read), and `CancellationError` when the task running it is cancelled.
    public func run(_ run: TrainingRun) throws -> Result {
        var order = run.split.train
        var generator = RandomGenerator(seed: run.configuration.seed, stream: .shuffle, index: 0)
        generator.shuffle(&order)
        let batchSize = run.configuration.batchSize
        let batches = (order.count + batchSize - 1) / batchSize
        guard batches >= Self.minimumSteps else {
            throw ConfigurationError(setting: "training.batch_size", value: batchSize,
                                     rule: "must leave at least \(Self.minimumSteps) batches in the \(order.count) training images (a curve of fewer steps says nothing)",
                                     fix: "use training.batch_size \(max(1, order.count / Self.minimumSteps)) or less, or more data")
        }
        let count = max(Self.minimumSteps, min(steps ?? min(batches, 400), batches))
        var rates: [Double] = [], losses: [Double] = [], smoothed: [Double] = []
        var average = 0.0
        for step in 0..<count {
            let rate = start * pow(end / start, Double(step) / Double(count - 1))
            let rows = order[(step * batchSize)..<min(order.count, (step + 1) * batchSize)]
            if Task.isCancelled { throw CancellationError() }
            let loss = try run.step(rows, learningRate: rate).loss
            rates.append(rate)
            losses.append(loss)
            average = 0.98 * average + 0.02 * loss
            let value = average / (1 - pow(0.98, Double(step + 1)))
            smoothed.append(value)
            let lowest = smoothed.filter(\.isFinite).min() ?? value
            if !value.isFinite || (step > 10 && value > 4 * lowest) { break }
        }
        let finite = smoothed.enumerated().filter { $0.element.isFinite }
        let minimum = finite.min { $0.element < $1.element }?.offset ?? 0
        return Result(learningRates: rates, losses: losses, smoothed: smoothed, minimumLossRate: rates[minimum],
                      suggestion: rates[minimum] / 10)
    }
}
