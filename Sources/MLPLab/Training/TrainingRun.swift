import Foundation

/// One training of an MLP on a data set: the buffers, the loop, the evaluation.
///
/// Everything the step touches (workspace, gradients, momentum, engine primitives) is made
/// before the first step; the loop itself only gathers, multiplies and updates.
public final class TrainingRun {
    /// The data set; its bytes become floats one batch at a time.
    public let dataset: Dataset
    /// Which samples train, which choose the best epoch (validation), and which test.
    public let split: DatasetSplit
    /// How the model is trained.
    public let configuration: TrainingConfiguration
    /// The network being trained; its parameters change with every step.
    public let model: MLP
    /// The SGD state: momentum buffer and step count.
    public let optimizer: Optimizer
    /// The matrix-product engine, at `precision`.
    public let engine: MatMul
    /// Every buffer the step and the evaluation use, allocated once for
    /// max(`stepRows`, `evaluationBatch`) rows.
    public let workspace: Workspace
    /// The products' number format this CPU gave for the configured one.
    public let precision: Precision
    /// Why `precision` differs from the configured one (bf16 asked for on a CPU without it), or nil.
    public let precisionNote: String?
    /// How the products run: each weight's orientation and which updates may be fused.
    public let compute: ComputePlan
    /// Why `compute` is the standard plan rather than one measured for this machine (its
    /// timings could not be kept in the cache: `Training.run`), or nil.
    public internal(set) var computeNote: String?
    /// Which layers' updates the engine folds into their weight-gradient products.
    public let plan: UpdatePlan
    /// Dropout after each hidden layer while training (nil: none).
    public let dropout: Dropout?
    /// This step's fused updates, one per layer (nil: plain), rewritten in place every step.
    private var weightUpdates: [WeightUpdate?]
    /// The other processes of a data-parallel training (`mpirun -np N mlplab train`), nil alone:
    /// each step then computes this rank's share of the batch and sums the gradient over all.
    public let parallel: DataParallel?

    /// Epochs finished so far.
    public private(set) var history: [EpochMetrics] = []
    /// Set when the loss became non-finite or exploded (see `explosionThreshold`).
    public private(set) var divergence: Divergence?
    /// Set when early stopping ended the training.
    public private(set) var stoppedEarly = false
    /// Seconds spent in training steps (not evaluation), for samples/s.
    public private(set) var trainingSeconds = 0.0
    /// Training samples stepped through so far, all epochs (and, after a resume, those before it).
    public private(set) var samplesTrained = 0
    /// The loss of the last batch trained (nan before the first): what a `BatchObserver` reads
    /// when it logs the curve.
    public private(set) var lastBatchLoss = Double.nan

    /// The best validation accuracy so far, 0…1; nil while there is none (always, without a
    /// validation split).
    public private(set) var bestValidationAccuracy: Double?
    /// The epoch (from 1) of `bestValidationAccuracy`; nil while there is none (always, without a
    /// validation split).
    public private(set) var bestEpoch: Int?
    /// The weights at `bestEpoch`, in the parameters' layout: allocated once, overwritten when
    /// validation improves; nil without a validation split.
    public let bestParameters: FloatBuffer?

    /// Gradient norm of the run's first step; nil before it.
    public private(set) var firstGradientNorm: Double?
    /// Gradient norm of the latest step with a finite loss; nil before the first such step.
    public private(set) var lastFiniteGradientNorm: Double?

    /// Evaluation runs in batches of this many rows (or the training batch, if larger): the
    /// assignment's forward products run at ~145 GFLOP/s with 1024 rows against ~110 with 256
    /// (AMD EPYC, 2 cores, AVX2; BENCHMARKS.md), for 37 MB more workspace on that model.
    public static let evaluationBatch = 1024

    /// Rows a training step fills at most: the batch size, or the whole training split when that
    /// is smaller (`training.batch_size` 100000 on 300 images steps through 300 rows at once, as
    /// PyTorch's DataLoader does). Buffers are sized by this, not by the batch size asked for.
    public static func stepRows(batchSize: Int, trainingSamples: Int?) -> Int {
        guard let trainingSamples else { return batchSize }
        return min(batchSize, max(1, trainingSamples))
    }

    /// `compute` says how the products run (nil: ``ComputePlan/standard(model:rows:)``, which
    /// measures nothing; `Training.run` passes the run's measured one). `fuseUpdates: false`
    /// keeps every update in the optimizer's own pass whatever the plan says (the reference path
    /// the fused one is tested against; the results agree to rounding).
    ///
    /// With a `communicator` of more than one process, the run is one rank of a data-parallel
    /// training (see ``DataParallel``): every rank must make it with the same arguments, and call
    /// `train`, `step`, `evaluate` and `shareState` together, in the same order. Updates are not
    /// fused then (the gradient must exist to be summed).
    public init(dataset: Dataset, split: DatasetSplit, model modelConfiguration: ModelConfiguration,
                configuration: TrainingConfiguration, compute: ComputePlan? = nil, fuseUpdates: Bool = true,
                communicator: Communicator? = nil) {
        precondition(modelConfiguration.inputSize == dataset.featureCount, "TrainingRun: model input differs from the data")
        precondition(modelConfiguration.classCount == dataset.classCount, "TrainingRun: model classes differ from the data")
        self.dataset = dataset
        self.split = split
        self.configuration = configuration
        MatMul.setThreadCount(configuration.threads)
        (precision, precisionNote) = TrainingRun.resolve(configuration.precision, model: modelConfiguration,
                                                         rows: TrainingRun.stepRows(batchSize: configuration.batchSize,
                                                                                    trainingSamples: split.train.count))
        engine = MatMul(precision: precision)
        let stepRows = TrainingRun.stepRows(batchSize: configuration.batchSize, trainingSamples: split.train.count)
        let compute = compute ?? ComputePlan.standard(model: modelConfiguration, rows: stepRows)
        precondition((try? compute.validate(for: modelConfiguration)) != nil, "TrainingRun: the compute plan does not fit the model")
        self.compute = compute
        model = MLP(configuration: modelConfiguration, orientations: compute.weightOrientations)
        model.initialize(seed: configuration.seed)
        optimizer = Optimizer(configuration: configuration.optimizer, parameterCount: modelConfiguration.parameterCount)
        parallel = communicator.flatMap { $0.size > 1 ? DataParallel(communicator: $0, model: modelConfiguration) : nil }
        plan = UpdatePlan(layers: model.layers, fusable: compute.fusedUpdates, optimizer: optimizer, enabled: fuseUpdates && parallel == nil)
        weightUpdates = Array(repeating: nil, count: model.layers.count)
        workspace = Workspace(configuration: modelConfiguration,
                              capacity: max(stepRows, TrainingRun.evaluationBatch),
                              trainingCapacity: stepRows,
                              gramCapacity: plan.fusesAny ? stepRows : 0, precision: precision,
                              dropout: configuration.dropout != nil)
        dropout = configuration.dropout.map { Dropout($0, hiddenLayers: modelConfiguration.hiddenSizes.count) }
        bestParameters = split.validation.isEmpty ? nil : FloatBuffer(count: modelConfiguration.parameterCount)
    }

    /// The precision this CPU gives for `requested`, with a note when it is not what was asked
    /// for (bf16 without BF16 instructions), or when bf16 runs but is slower than float32 here:
    /// measured on the model's largest forward product (a fraction of a second), since
    /// AVX512-BF16 without AMX makes bf16 products slower on every CPU measured so far
    /// (BENCHMARKS.md).
    ///
    /// `compare` measures one product (m, n, k) in both formats; tests pass their own.
    public static func resolve(_ requested: Precision, model: ModelConfiguration, rows: Int,
                        compare: (Int, Int, Int) -> MatMulBenchmark.PrecisionComparison? = {
                            MatMulBenchmark.compareBFloat16(m: $0, n: $1, k: $2, transposeB: true, repeats: 5)
                        }) -> (Precision, String?) {
        let (precision, note) = MatMul.resolve(requested)
        guard precision == .bfloat16, let largest = MLP.layout(model).max(by: { $0.weightCount < $1.weightCount }),
              let speed = compare(rows, largest.outputSize, largest.inputSize), speed.ratio < 1 else { return (precision, note) }
        return (precision, String(format: "bf16 products run at %.2f× float32's speed on this CPU (measured now on the largest forward product, %d×%d·%d×%d: %.0f against %.0f GFLOP/s), so this training is slower than in float32; training.precision f32 trains faster here (bf16 pays with AMX).",
                                  speed.ratio, rows, largest.inputSize, largest.inputSize, largest.outputSize, speed.bfloat16, speed.float32))
    }

    /// Progress within an epoch: (epoch, batches done, batches in the epoch).
    public typealias BatchObserver = (_ epoch: Int, _ batch: Int, _ batchCount: Int) -> Void

    /// Whether training has ended: all epochs, early stopping, or divergence (when stopping on it).
    public var isFinished: Bool {
        history.count >= configuration.epochs || stoppedEarly || (divergence != nil && !configuration.continueOnNonFinite)
    }

    /// Trains the remaining epochs. Stops early when the loss becomes non-finite (unless the
    /// configuration says to continue) or when validation accuracy has not improved for
    /// `patience` epochs. When the task running it is cancelled (checked after every batch), it
    /// throws `CancellationError`: the unfinished epoch is dropped, so the state is the last
    /// finished epoch's, which `onEpoch` has seen (and a run folder has saved). Data-parallel,
    /// a cancellation on any rank stops every rank at the same step; an MPI failure throws
    /// ``DistributedError``.
    public func train(onBatch: BatchObserver? = nil, onEpoch: ((EpochMetrics) throws -> Void)? = nil) throws {
        while !isFinished {
            guard let metrics = try trainEpoch(history.count + 1, onBatch: onBatch) else { throw CancellationError() }
            history.append(metrics)
            if let accuracy = metrics.validationAccuracy, accuracy > (bestValidationAccuracy ?? -1), divergence == nil {
                bestValidationAccuracy = accuracy
                bestEpoch = metrics.epoch
                bestParameters?.base.update(from: model.parameters.base, count: model.parameters.count)
            }
            if let patience = configuration.patience, let bestEpoch, metrics.epoch - bestEpoch >= patience,
               history.count < configuration.epochs {
                stoppedEarly = true
            }
            try onEpoch?(metrics)
        }
    }

    /// A batch loss above this is an explosion: 100 × ln(classes), a hundred times the loss of
    /// guessing. An explosion counts as divergence when the epoch then ends no better than
    /// guessing the largest class: measured here (and with PyTorch), lr 0.2 with momentum 0.98
    /// either turns the loss to nan or blows it up past this and leaves every ReLU dead, with a
    /// finite loss of ln(classes) and chance accuracy ever after; raw 0…255 inputs at lr 0.01
    /// sometimes pass it in the first batches and then recover, and are left to train.
    public var explosionThreshold: Double { 100 * Foundation.log(Double(max(dataset.classCount, 2))) }

    /// The share of the largest class in the training split: the accuracy of always guessing it.
    public var majorityShare: Double {
        Double(dataset.classCounts(of: split.train).max() ?? 0) / Double(max(split.train.count, 1))
    }

    /// One pass over the training split in a seeded order; nil when the task running it was
    /// cancelled before its last batch (data-parallel: on any rank). Throws ``DistributedError``
    /// when the ranks cannot reach each other or their parameters differ at the epoch's end.
    public func trainEpoch(_ epoch: Int, onBatch: BatchObserver? = nil) throws -> EpochMetrics? {
        var order = split.train
        var generator = RandomGenerator(seed: configuration.seed, stream: .shuffle, index: UInt64(epoch))
        generator.shuffle(&order)

        let batchSize = configuration.batchSize
        let batchCount = (order.count + batchSize - 1) / batchSize
        let learningRate = configuration.schedule.learningRate(base: configuration.optimizer.learningRate,
                                                               epoch: epoch, epochs: configuration.epochs)
        var lossSum = 0.0, normSum = 0.0
        var explosion: (batch: Int, loss: Double, normBefore: Double)?
        var batchesRun = 0, correct = 0, seen = 0
        let clock = ContinuousClock()
        let start = clock.now
        for batch in 0..<batchCount {
            let rows = order[(batch * batchSize)..<min(order.count, (batch + 1) * batchSize)]
            let result = try step(rows, learningRate: learningRate)
            lastBatchLoss = result.loss
            lossSum += result.loss
            normSum += result.gradientNorm
            correct += result.correct
            seen += rows.count
            batchesRun += 1
            samplesTrained += rows.count
            if firstGradientNorm == nil { firstGradientNorm = result.gradientNorm }
            if result.loss.isFinite {
                if result.loss > explosionThreshold && explosion == nil {
                    explosion = (batch + 1, result.loss, lastFiniteGradientNorm ?? result.gradientNorm)
                }
                lastFiniteGradientNorm = result.gradientNorm
            } else if divergence == nil {
                let first = firstGradientNorm ?? .nan, last = lastFiniteGradientNorm ?? .nan
                divergence = Divergence(epoch: epoch, batch: batch + 1, loss: result.loss, firstGradientNorm: first,
                                        lastFiniteGradientNorm: last,
                                        diagnosis: Divergence.diagnose(configuration, firstGradientNorm: first, lastFiniteGradientNorm: last))
                if !configuration.continueOnNonFinite { break }
            }
            onBatch?(epoch, batch + 1, batchCount)
            if result.stopRequested && batch + 1 < batchCount {
                trainingSeconds += (clock.now - start).seconds
                return nil
            }
        }
        let seconds = (clock.now - start).seconds
        trainingSeconds += seconds
        try parallel?.checkIdentical(model.parameters, epoch: epoch)
        let validationAccuracy = split.validation.isEmpty ? nil : try accuracy(on: split.validation)
        let trainAccuracy = Double(correct) / Double(max(seen, 1))
        if let explosion, divergence == nil, (validationAccuracy ?? trainAccuracy) <= majorityShare + 0.01 {
            // The loss blew up and the model ended the epoch no better than guessing: collapsed.
            let first = firstGradientNorm ?? .nan
            divergence = Divergence(epoch: epoch, batch: explosion.batch, loss: explosion.loss, firstGradientNorm: first,
                                    lastFiniteGradientNorm: explosion.normBefore,
                                    diagnosis: Divergence.diagnose(configuration, firstGradientNorm: first, lastFiniteGradientNorm: explosion.normBefore))
        }
        return EpochMetrics(epoch: epoch, loss: lossSum / Double(max(batchesRun, 1)),
                            trainAccuracy: trainAccuracy,
                            validationAccuracy: validationAccuracy, gradientNorm: normSum / Double(max(batchesRun, 1)),
                            seconds: seconds, learningRate: learningRate)
    }

    /// What one step measured.
    public struct StepResult {
        /// The batch's mean cross-entropy, computed before the update; nan or inf when diverged.
        public var loss: Double
        /// L2 norm of the loss's gradient over all parameters (weight decay not included).
        public var gradientNorm: Double
        /// Samples of the batch the model classified correctly before the update.
        public var correct: Int
        /// Whether the task running the step was cancelled (data-parallel: on any rank, so that
        /// every rank stops after the same step).
        public var stopRequested: Bool
    }

    /// One SGD step on the samples `indices` (a slice of the epoch's order). Allocates nothing
    /// in MLPLab's code (the step benchmark counts it; the engine's own calls do allocate).
    ///
    /// Data-parallel, `indices` is the whole batch on every rank: this rank computes its share
    /// (`DataParallel.share`), the gradient is summed over the ranks, and the loss, accuracy and
    /// gradient norm returned are the whole batch's, the same on every rank. Throws
    /// ``DistributedError`` only then, when the ranks cannot reach each other.
    @discardableResult
    public func step(_ indices: ArraySlice<Int>, learningRate: Double) throws -> StepResult {
        var mine = indices
        if let parallel {
            let share = parallel.share(of: indices.count)
            mine = indices[(indices.startIndex + share.lowerBound)..<(indices.startIndex + share.upperBound)]
        }
        let rows = mine.count
        var loss = 0.0, correct = 0, fusedSquares = 0.0
        if rows > 0 || parallel == nil {
            BatchLoader.gather(mine, from: dataset, scaling: configuration.inputScaling,
                               into: workspace.input, labels: workspace.labels, augmentation: configuration.augment,
                               seed: configuration.seed, step: optimizer.stepCount, firstRow: mine.startIndex - indices.startIndex)
            if let dropout {
                // This rank's rows of the batch, numbered as in the whole batch.
                let firstRow = mine.startIndex - indices.startIndex
                dropout.fillMasks(workspace, rows: rows, firstRow: firstRow, seed: configuration.seed, step: optimizer.stepCount)
            }
            let logits = model.forward(workspace, rows: rows, engine: engine, dropout: dropout != nil)
            MLP.predictions(logits: logits, into: workspace.predictions)
            for row in 0..<rows where workspace.predictions[row] == workspace.labels[row] { correct += 1 }
            loss = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: workspace.labels,
                                                       gradient: workspace.logitGradient.prefix(rows: rows), batchRows: indices.count)
            for (index, layer) in model.layers.enumerated() {
                weightUpdates[index] = plan.fusedLayers[index]
                    ? optimizer.weightUpdate(layer.weightRange, parameters: model.parameters, learningRate: learningRate)
                    : nil
            }
            fusedSquares = model.backward(workspace, rows: rows, engine: engine, weightUpdates: weightUpdates, observer: parallel,
                                          dropout: dropout)
        } else if let parallel {
            // A batch with fewer rows than ranks: this rank adds a zero gradient, layer by layer as the others do.
            workspace.gradients.fill(0)
            for (index, layer) in model.layers.enumerated().reversed() {
                parallel.gradientsReady(layer: index, range: layer.offset..<layer.biasRange.upperBound, gradients: workspace.gradients)
            }
        }
        var stopRequested = Task.isCancelled
        if let parallel {
            try parallel.finishSums()
            let sums = try parallel.sumStep(lossSum: loss * Double(rows), correct: correct, stop: stopRequested)
            loss = sums.lossSum / Double(max(indices.count, 1))
            correct = sums.correct
            stopRequested = sums.stop
        }
        let norm = optimizer.step(parameters: model.parameters, gradients: workspace.gradients, plan: plan,
                                  fusedSquares: fusedSquares, learningRate: learningRate, threads: configuration.threads)
        return StepResult(loss: loss, gradientNorm: norm, correct: correct, stopRequested: stopRequested)
    }

    /// The loop's state now, as a checkpoint keeps it.
    public var state: TrainingState {
        TrainingState(stepCount: optimizer.stepCount, samplesTrained: samplesTrained, history: history, divergence: divergence,
                      stoppedEarly: stoppedEarly, bestValidationAccuracy: bestValidationAccuracy, bestEpoch: bestEpoch,
                      firstGradientNorm: firstGradientNorm, lastFiniteGradientNorm: lastFiniteGradientNorm)
    }

    /// Puts the run back in the state a checkpoint saved after its last finished epoch (its
    /// tensors in PyTorch's order, put in the training order here).
    public func restore(_ checkpoint: TrainingCheckpoint) {
        model.load(pyTorchParameters: checkpoint.parameters)
        precondition(Set(checkpoint.optimizerState.keys) == Set(optimizer.stateBuffers.map(\.name)),
                     "TrainingRun.restore: the checkpoint holds another optimizer's state")
        for (name, values) in optimizer.stateBuffers {
            model.load(pyTorchOrder: checkpoint.optimizerState[name]!, into: values)
        }
        optimizer.restore(stepCount: checkpoint.state.stepCount)
        if let best = checkpoint.bestParameters, let bestParameters {
            model.load(pyTorchOrder: best, into: bestParameters)
        }
        restore(checkpoint.state)
    }

    /// Data-parallel: gives every rank rank 0's state (parameters, momentum, best weights, the
    /// loop's state), as after rank 0 alone has read a checkpoint; nothing alone. Collective.
    public func shareState() throws {
        guard let parallel else { return }
        let communicator = parallel.communicator
        let bytes = try communicator.broadcast(parallel.rank == 0 ? [UInt8](try JSONCoding.encode(state, pretty: false)) : [])
        try communicator.broadcast(model.parameters.buffer)
        for (_, values) in optimizer.stateBuffers { try communicator.broadcast(values.buffer) }
        if let bestParameters { try communicator.broadcast(bestParameters.buffer) }
        guard parallel.rank != 0 else { return }
        let state = try JSONCoding.decode(TrainingState.self, from: Data(bytes))
        optimizer.restore(stepCount: state.stepCount)
        restore(state)
    }

    /// The loop's counters and history from `state`; the buffers are the caller's.
    private func restore(_ state: TrainingState) {
        history = state.history
        divergence = state.divergence
        stoppedEarly = state.stoppedEarly
        bestValidationAccuracy = state.bestValidationAccuracy
        bestEpoch = state.bestEpoch
        firstGradientNorm = state.firstGradientNorm
        lastFiniteGradientNorm = state.lastFiniteGradientNorm
        trainingSeconds = history.reduce(0) { $0 + $1.seconds }
        samplesTrained = state.samplesTrained
    }

    /// The fraction of `indices` the model classifies correctly.
    public func accuracy(on indices: [Int]) throws -> Double {
        try evaluate(indices).accuracy
    }

    /// Predictions for `indices`: overall and per-class correct counts, and the mean loss.
    /// Data-parallel, each rank evaluates its share of `indices` and every rank gets the sum
    /// (throwing ``DistributedError`` when the ranks cannot reach each other); alone, it never throws.
    public func evaluate(_ indices: [Int]) throws -> Evaluation {
        guard let parallel else { return evaluateHere(indices) }
        let share = parallel.share(of: indices.count)
        return try parallel.sum(evaluateHere(Array(indices[share])), count: indices.count)
    }

    /// `evaluate` on this process's rows alone.
    private func evaluateHere(_ indices: [Int]) -> Evaluation {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: dataset.classCount), count: dataset.classCount)
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
                confusion[Int(workspace.labels[row])][Int(workspace.predictions[row])] += 1
            }
            start += chunk
        }
        return Evaluation(confusion: confusion, loss: lossSum / Double(max(indices.count, 1)))
    }

    /// Replaces the model's weights with the best-on-validation ones, when there are any: the
    /// model a run keeps, as Keras' `restore_best_weights`.
    public func useBestParameters() {
        guard bestEpoch != nil, let best = bestParameters else { return }
        model.parameters.base.update(from: best.base, count: best.count)
    }

    /// Training samples per second over all steps so far.
    public var samplesPerSecond: Double { trainingSeconds > 0 ? Double(samplesTrained) / trainingSeconds : 0 }
}
