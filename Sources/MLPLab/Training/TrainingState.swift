/// The training loop's state after a finished epoch, as a checkpoint keeps it beside the
/// weights: enough, with the seed, to continue as if never stopped.
public struct TrainingState: CheckpointState {
    /// SGD steps taken, all epochs (the optimizer's `stepCount`).
    public var stepCount: Int
    /// Training samples stepped through, all epochs.
    public var samplesTrained: Int
    /// The finished epochs' metrics, epoch 1 first.
    public var history: [EpochMetrics]
    /// Where the loss stopped being finite or exploded; nil when it never did.
    public var divergence: Divergence?
    /// Whether early stopping ended the training.
    public var stoppedEarly: Bool
    /// The best validation accuracy so far, 0…1; nil while there is none (always, without a
    /// validation split).
    public var bestValidationAccuracy: Double?
    /// The epoch (from 1) of `bestValidationAccuracy`; nil when that is nil.
    public var bestEpoch: Int?
    /// Gradient norm of the run's first step; nil before it.
    public var firstGradientNorm: Double?
    /// Gradient norm of the latest step with a finite loss; nil before the first such step.
    public var lastFiniteGradientNorm: Double?

    /// Why this state cannot come from a training, or nil: counts are non-negative and far from
    /// overflowing, the history holds epochs 1, 2, … in order, the best epoch is one of them.
    public var inconsistency: String? {
        let limit = 1 << 52
        guard (0...limit).contains(stepCount), (0...limit).contains(samplesTrained) else { return "has impossible step or sample counts" }
        guard history.enumerated().allSatisfy({ $0.element.epoch == $0.offset + 1 }) else {
            return "has an epoch history out of order"
        }
        if let bestEpoch, bestEpoch < 1 || bestEpoch > history.count { return "names a best epoch it does not have" }
        if let bestValidationAccuracy, !(0...1).contains(bestValidationAccuracy) { return "has a best accuracy outside 0…1" }
        return nil
    }
}

/// A training's checkpoint: weights, momentum, best weights and `TrainingState`.
public typealias TrainingCheckpoint = Checkpoint<TrainingState>

extension Checkpoint where State == TrainingState {
    /// The state of `run` now, copied out of its buffers.
    public init(run: TrainingRun) {
        self.init(parameters: run.model.parameters.array, momentum: run.optimizer.momentumBuffer.array,
                  bestParameters: run.bestEpoch == nil ? nil : run.bestParameters?.array, state: run.state)
    }

    /// Reads and checks a training checkpoint for a model of `configuration`.
    public init(contentsOf path: String, configuration: ModelConfiguration, hasMomentum: Bool) throws {
        try self.init(contentsOf: path, configuration: configuration, hasMomentum: hasMomentum, hasBest: { $0.bestEpoch != nil })
    }

    /// Checks a parsed safetensors file as a training checkpoint (the fuzz target's entry).
    public init(file: SafeTensors, path: String, configuration: ModelConfiguration, hasMomentum: Bool) throws {
        try self.init(file: file, path: path, configuration: configuration, hasMomentum: hasMomentum, hasBest: { $0.bestEpoch != nil })
    }

    /// Writes the checkpoint of `run` now, straight from its buffers: the same file as
    /// `Checkpoint(run: run).write(…)`, without holding copies of the weights in memory.
    public static func write(_ run: TrainingRun, to path: String) throws {
        try write(state: run.state, parameters: UnsafeBufferPointer(run.model.parameters.buffer),
                  momentum: UnsafeBufferPointer(run.optimizer.momentumBuffer.buffer),
                  best: run.bestEpoch == nil ? nil : run.bestParameters.map { UnsafeBufferPointer($0.buffer) },
                  configuration: run.model.configuration, to: path)
    }
}
