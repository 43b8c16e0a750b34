/// One training of an MLP on a data set: the buffers, the loop, the evaluation.
///
/// Everything the step touches (workspace, gradients, momentum, engine primitives) is made
/// before the first step; the loop itself only gathers, multiplies and updates.
public final class TrainingRun {
    public let dataset: Dataset
    public let split: DatasetSplit
    public let configuration: TrainingConfiguration
    public let model: MLP
    public let optimizer: SGD
    public let engine: MatMul
    public let workspace: Workspace

    /// Epochs finished so far.
    public private(set) var history: [EpochMetrics] = []
    /// Set when the loss became non-finite.
    public private(set) var divergence: Divergence?
    /// Seconds spent in training steps (not evaluation), for samples/s.
    public private(set) var trainingSeconds = 0.0
    public private(set) var samplesTrained = 0

    /// Evaluation runs in batches of this many rows (or the training batch, if larger).
    static let evaluationBatch = 256

    public init(dataset: Dataset, split: DatasetSplit, model modelConfiguration: ModelConfiguration,
                configuration: TrainingConfiguration) {
        precondition(modelConfiguration.inputSize == dataset.featureCount, "TrainingRun: model input differs from the data")
        precondition(modelConfiguration.classCount == dataset.classCount, "TrainingRun: model classes differ from the data")
        self.dataset = dataset
        self.split = split
        self.configuration = configuration
        MatMul.setThreadCount(configuration.threads)
        engine = MatMul()
        model = MLP(configuration: modelConfiguration)
        model.initialize(seed: configuration.seed)
        optimizer = SGD(configuration: configuration.optimizer, parameterCount: modelConfiguration.parameterCount)
        workspace = Workspace(configuration: modelConfiguration,
                              capacity: max(configuration.batchSize, TrainingRun.evaluationBatch))
    }

    /// Progress within an epoch: (epoch, batches done, batches in the epoch).
    public typealias BatchObserver = (_ epoch: Int, _ batch: Int, _ batchCount: Int) -> Void

    /// Trains the remaining epochs; stops early (with `divergence` set) when the loss becomes
    /// non-finite, unless the configuration says to continue.
    public func train(onBatch: BatchObserver? = nil, onEpoch: ((EpochMetrics) -> Void)? = nil) {
        while history.count < configuration.epochs {
            let metrics = trainEpoch(history.count + 1, onBatch: onBatch)
            history.append(metrics)
            onEpoch?(metrics)
            if divergence != nil && !configuration.continueOnNonFinite { break }
        }
    }

    /// One pass over the training split in a seeded order; returns the epoch's metrics.
    public func trainEpoch(_ epoch: Int, onBatch: BatchObserver? = nil) -> EpochMetrics {
        var order = split.train
        var generator = RandomGenerator(seed: configuration.seed, stream: .shuffle, index: UInt64(epoch))
        generator.shuffle(&order)

        let batchSize = configuration.batchSize
        let batchCount = (order.count + batchSize - 1) / batchSize
        let learningRate = configuration.optimizer.learningRate
        var lossSum = 0.0
        var batchesRun = 0
        let clock = ContinuousClock()
        let start = clock.now
        for batch in 0..<batchCount {
            let rows = order[(batch * batchSize)..<min(order.count, (batch + 1) * batchSize)]
            let loss = step(rows, learningRate: learningRate)
            lossSum += loss
            batchesRun += 1
            samplesTrained += rows.count
            if !loss.isFinite && divergence == nil {
                divergence = Divergence(epoch: epoch, batch: batch + 1, loss: loss,
                                        diagnosis: Divergence.diagnose(configuration))
                if !configuration.continueOnNonFinite { break }
            }
            onBatch?(epoch, batch + 1, batchCount)
        }
        let seconds = (clock.now - start).seconds
        trainingSeconds += seconds
        let validationAccuracy = split.validation.isEmpty ? nil : accuracy(on: split.validation)
        return EpochMetrics(epoch: epoch, loss: lossSum / Double(max(batchesRun, 1)),
                            validationAccuracy: validationAccuracy, seconds: seconds, learningRate: learningRate)
    }

    /// One SGD step on the samples `indices`; returns the batch's mean loss.
    @discardableResult
    public func step<C: Collection>(_ indices: C, learningRate: Double) -> Double where C.Element == Int {
        let rows = indices.count
        BatchLoader.gather(indices, from: dataset, scaling: configuration.inputScaling,
                           into: workspace.input, labels: workspace.labels)
        let logits = model.forward(workspace, rows: rows, engine: engine)
        let loss = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: workspace.labels,
                                                       gradient: workspace.logitGradient.prefix(rows: rows))
        model.backward(workspace, rows: rows, engine: engine)
        optimizer.step(parameters: model.parameters, gradients: workspace.gradients,
                       learningRate: learningRate, threads: configuration.threads)
        return loss
    }

    /// The fraction of `indices` the model classifies correctly.
    public func accuracy(on indices: [Int]) -> Double {
        let evaluation = evaluate(indices)
        return evaluation.accuracy
    }

    /// Predictions for `indices`: overall and per-class correct counts, and the mean loss.
    public func evaluate(_ indices: [Int]) -> Evaluation {
        var correct = [Int](repeating: 0, count: dataset.classCount)
        var total = [Int](repeating: 0, count: dataset.classCount)
        var lossSum = 0.0
        let chunk = workspace.capacity
        var start = 0
        while start < indices.count {
            let rows = indices[start..<min(indices.count, start + chunk)]
            BatchLoader.gather(rows, from: dataset, scaling: configuration.inputScaling,
                               into: workspace.input, labels: workspace.labels)
            let logits = model.forward(workspace, rows: rows.count, engine: engine)
            lossSum += SoftmaxCrossEntropy.loss(logits: logits, labels: workspace.labels) * Double(rows.count)
            MLP.predictions(logits: logits, into: workspace.predictions)
            for row in 0..<rows.count {
                let label = Int(workspace.labels[row])
                total[label] += 1
                if workspace.predictions[row] == workspace.labels[row] { correct[label] += 1 }
            }
            start += chunk
        }
        return Evaluation(correct: correct, total: total, loss: lossSum / Double(max(indices.count, 1)))
    }

    /// Training samples per second over all steps so far.
    public var samplesPerSecond: Double { trainingSeconds > 0 ? Double(samplesTrained) / trainingSeconds : 0 }
}

/// Counts from evaluating a model on some samples.
public struct Evaluation: Codable, Equatable, Sendable {
    /// Correct predictions per class.
    public var correct: [Int]
    /// Samples per class.
    public var total: [Int]
    /// Mean cross-entropy.
    public var loss: Double

    public var accuracy: Double {
        let all = total.reduce(0, +)
        return all == 0 ? 0 : Double(correct.reduce(0, +)) / Double(all)
    }

    /// Accuracy of each class (nil for a class with no samples).
    public var perClassAccuracy: [Double?] {
        zip(correct, total).map { $1 == 0 ? nil : Double($0) / Double($1) }
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
