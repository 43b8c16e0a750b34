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

    /// Why this state cannot come from a training, or nil: counts are non-negative, far from
    /// overflowing, and no more steps than samples; the history holds epochs 1, 2, … in order,
    /// each with possible metrics; a divergence is in one of them; the best epoch is one of them
    /// and its accuracy is that epoch's; gradient norms are not negative.
    public var inconsistency: String? {
        let limit = 1 << 52
        guard (0...limit).contains(stepCount), (0...limit).contains(samplesTrained), stepCount <= samplesTrained else {
            return "has impossible step or sample counts (\(stepCount) steps, \(samplesTrained) samples)"
        }
        guard history.enumerated().allSatisfy({ $0.element.epoch == $0.offset + 1 }) else {
            return "has an epoch history out of order"
        }
        if let problem = history.lazy.compactMap(\.inconsistency).first { return problem }
        if let problem = divergence?.inconsistency(epochs: history.count) { return problem }
        if let bestEpoch, bestEpoch < 1 || bestEpoch > history.count { return "names a best epoch it does not have" }
        if let bestValidationAccuracy, !(0...1).contains(bestValidationAccuracy) { return "has a best accuracy outside 0…1" }
        if (bestEpoch == nil) != (bestValidationAccuracy == nil)
            || bestEpoch.map({ history[$0 - 1].validationAccuracy != bestValidationAccuracy }) == true {
            return "has a best accuracy that is not its best epoch's"
        }
        guard [firstGradientNorm, lastFiniteGradientNorm].allSatisfy({ $0.map { $0.isNaN || $0 >= 0 } ?? true }) else {
            return "has a negative gradient norm"
        }
        return nil
    }

    /// Why this state cannot come from a training of `record` (its config.json), or nil: more
    /// epochs than it asks for, validation accuracies without a validation split, an early stop
    /// without patience.
    public func inconsistency(with record: RunRecord) -> String? {
        if history.count > record.training.epochs {
            return "holds \(history.count) epochs, more than the \(record.training.epochs) its config.json asks for"
        }
        if record.data.validationFraction == 0, bestEpoch != nil || history.contains(where: { $0.validationAccuracy != nil }) {
            return "has validation accuracies, but its config.json has no validation split"
        }
        if stoppedEarly, record.training.patience == nil { return "stopped early, but its config.json sets no patience" }
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

    /// Reads and checks the checkpoint of a run of `record` (its config.json, already checked):
    /// the model's tensors, the momentum's when it trains with momentum, and a state that such a
    /// run can have reached. Throws `CheckpointError` naming the file.
    public init(contentsOf path: String, record: RunRecord) throws {
        try self.init(contentsOf: path, configuration: record.model, hasMomentum: record.training.optimizer.momentum != 0)
        if let problem = state.inconsistency(with: record) {
            throw CheckpointError.badMetadata(path: path, key: "state", reason: problem)
        }
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
