import Foundation

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
    /// overflowing, no more steps than samples and at least one step an epoch (none before the
    /// first); the history holds epochs 1, 2, … in order,
    /// each with possible metrics; a divergence is in one of them; the best epoch is one of them
    /// and its accuracy is that epoch's; gradient norms are not negative.
    public var inconsistency: String? {
        let limit = 1 << 52
        guard (0...limit).contains(stepCount), (0...limit).contains(samplesTrained), stepCount <= samplesTrained else {
            return "has impossible counts ('step_count' \(stepCount), 'samples_trained' \(samplesTrained))"
        }
        guard stepCount >= history.count, !history.isEmpty || samplesTrained == 0 else {
            return "has 'step_count' \(stepCount) and 'samples_trained' \(samplesTrained), impossible after \(history.count) epoch\(history.count == 1 ? "" : "s")"
        }
        guard history.enumerated().allSatisfy({ $0.element.epoch == $0.offset + 1 }) else {
            return "has a 'history' whose epochs are not 1, 2, … in order"
        }
        if let problem = history.lazy.compactMap(\.inconsistency).first { return problem }
        if let problem = divergence?.inconsistency(epochs: history.count) { return problem }
        if let bestEpoch, bestEpoch < 1 || bestEpoch > history.count { return "has a 'best_epoch' (\(bestEpoch)) that is not one of its epochs" }
        if let bestValidationAccuracy, !(0...1).contains(bestValidationAccuracy) { return "has a 'best_validation_accuracy' outside 0…1" }
        if (bestEpoch == nil) != (bestValidationAccuracy == nil)
            || bestEpoch.map({ history[$0 - 1].validationAccuracy != bestValidationAccuracy }) == true {
            return "has a 'best_validation_accuracy' that is not its 'best_epoch''s"
        }
        guard [firstGradientNorm, lastFiniteGradientNorm].allSatisfy({ $0.map { $0.isNaN || $0 >= 0 } ?? true }) else {
            return "has a negative 'first_gradient_norm' or 'last_finite_gradient_norm'"
        }
        return nil
    }

    /// Why this state cannot come from a training of `record` (its config.json), or nil: more
    /// epochs than it asks for, validation accuracies without a validation split, an early stop
    /// without patience, or counts its batch size cannot give: every epoch steps through the
    /// same training samples in batches of `batch_size`, so after E whole epochs
    /// `samples_trained` is E × n and `step_count` E × ⌈n / batch_size⌉ (n at most the subset
    /// size); a run stopped by divergence may have cut its last epoch short, so only the bounds
    /// hold for it. With `trainingSamples` (the run's training split, when known), n must be it.
    public func inconsistency(with record: RunRecord, trainingSamples: Int? = nil) -> String? {
        let epochs = history.count, batchSize = record.training.batchSize
        if epochs > record.training.epochs {
            return "has \(Format.count(epochs, "epoch")) in 'history', more than config.json's 'training.epochs' (\(record.training.epochs))"
        }
        if record.data.validationFraction == 0, bestEpoch != nil || history.contains(where: { $0.validationAccuracy != nil }) {
            return "has a 'best_epoch' or 'validation_accuracy', but config.json's 'data.validation_fraction' is 0"
        }
        if stoppedEarly, record.training.patience == nil { return "has 'stopped_early' true, but config.json sets no 'training.patience'" }
        let counts = "has 'step_count' \(stepCount) and 'samples_trained' \(samplesTrained)"
        let (capacity, overflow) = stepCount.multipliedReportingOverflow(by: batchSize)
        if !overflow, samplesTrained > capacity {
            return "\(counts), more samples than \(stepCount) batches of \(batchSize) hold"
        }
        let cutShort = divergence != nil && !record.training.continueOnNonFinite
        guard epochs > 0 else { return nil }
        if cutShort {
            // The last epoch may have stopped at its divergence: the earlier ones were whole.
            guard let n = trainingSamples, samplesTrained > epochs * n || samplesTrained <= (epochs - 1) * n else { return nil }
            return "\(counts), but \(epochs - 1) whole epochs of \(n) training samples and part of one give \((epochs - 1) * n + 1) to \(epochs * n) samples"
        }
        let perEpoch = samplesTrained / epochs
        guard samplesTrained % epochs == 0, stepCount == epochs * ((perEpoch + batchSize - 1) / batchSize),
              record.data.trainLimit.map({ perEpoch <= $0 }) ?? true, trainingSamples.map({ perEpoch == $0 }) ?? true else {
            let given = trainingSamples.map { n in "\(epochs * n) samples in \(epochs * ((n + batchSize - 1) / batchSize)) steps" }
            return "\(counts), but \(epochs) epoch\(epochs == 1 ? "" : "s") of \(trainingSamples.map { "\($0)" } ?? "n") training samples in batches of \(batchSize) give \(given ?? "E × n samples in E × ⌈n / \(batchSize)⌉ steps")"
        }
        return nil
    }
}

/// A training's checkpoint: weights, the optimizer's state, best weights and ``TrainingState``.
public typealias TrainingCheckpoint = Checkpoint<TrainingState>

extension Checkpoint where State == TrainingState {
    /// The state of `run` now, copied out of its buffers into PyTorch's order (as a checkpoint
    /// file holds it).
    public init(run: TrainingRun) {
        func pyTorch(_ buffer: FloatBuffer) -> [Float] {
            buffer.count == 0 ? [] : run.model.pyTorchOrder(buffer)
        }
        var optimizerState: [String: [Float]] = [:]
        for (name, values) in run.optimizer.stateBuffers { optimizerState[name] = pyTorch(values) }
        self.init(parameters: pyTorch(run.model.parameters), optimizerState: optimizerState,
                  bestParameters: run.bestEpoch == nil ? nil : run.bestParameters.map(pyTorch), state: run.state)
    }

    /// Reads and checks a training checkpoint for a model of `configuration` trained by
    /// `optimizer` (whose state buffers it must hold, and no others).
    public init(contentsOf path: String, configuration: ModelConfiguration, optimizer: OptimizerConfiguration) throws {
        try self.init(contentsOf: path, configuration: configuration, optimizerState: optimizer.stateBufferNames, hasBest: { $0.bestEpoch != nil })
    }

    /// Reads and checks a checkpoint of an SGD training, with or without momentum.
    public init(contentsOf path: String, configuration: ModelConfiguration, hasMomentum: Bool) throws {
        try self.init(contentsOf: path, configuration: configuration, optimizerState: hasMomentum ? ["momentum"] : [], hasBest: { $0.bestEpoch != nil })
    }

    /// Reads and checks the checkpoint of a run of `record` (its config.json, already checked):
    /// the model's tensors, the momentum's when it trains with momentum, and a state that such a
    /// run can have reached. Throws ``CheckpointError`` naming the file.
    ///
    /// A checkpoint marked with another record's `checkpointKey` than `record`'s was trained
    /// under another config.json: the error names config.json as edited since, before its
    /// tensors are weighed against an edited model. Checkpoints written before the mark are
    /// read without it.
    public init(contentsOf path: String, record: RunRecord, trainingSamples: Int? = nil) throws {
        let file = try SafeTensors(contentsOf: path)
        if let key = file.metadata[Self.recordKeyName], key != record.checkpointKey {
            let config = PathName.parent(of: path) + "/" + RunFolder.File.config.rawValue
            throw CheckpointError.damagedRunFile(path: config, reason: "its checkpoint was trained under another configuration, so config.json was edited since")
        }
        try self.init(file: file, path: path, configuration: record.model, optimizerState: record.training.optimizer.stateBufferNames,
                      hasBest: { $0.bestEpoch != nil })
        if let problem = state.inconsistency(with: record, trainingSamples: trainingSamples) {
            throw CheckpointError.badMetadata(path: path, key: "state", reason: problem)
        }
    }

    /// Checks a parsed safetensors file as a training checkpoint of SGD (the fuzz target's entry).
    public init(file: SafeTensors, path: String, configuration: ModelConfiguration, hasMomentum: Bool) throws {
        try self.init(file: file, path: path, configuration: configuration, optimizerState: hasMomentum ? ["momentum"] : [],
                      hasBest: { $0.bestEpoch != nil })
    }

    /// The metadata key of the record's mark (`RunRecord.checkpointKey`).
    public static var recordKeyName: String { "record_key" }

    /// Writes the checkpoint of `run` now, straight from its buffers: the same file as
    /// `Checkpoint(run: run).write(…)`, without holding copies of the weights in memory; with
    /// `record` (the run's config.json), marked with its `checkpointKey`.
    public static func write(_ run: TrainingRun, record: RunRecord? = nil, to path: String) throws {
        try write(state: run.state, parameters: UnsafeBufferPointer(run.model.parameters.buffer),
                  optimizerState: run.optimizer.stateBuffers.map { (name: $0.name, values: UnsafeBufferPointer($0.values.buffer)) },
                  best: run.bestEpoch == nil ? nil : run.bestParameters.map { UnsafeBufferPointer($0.buffer) },
                  configuration: run.model.configuration,
                  metadata: record.map { [Self.recordKeyName: $0.checkpointKey] } ?? [:],
                  orientations: run.model.orientations, to: path)
    }
}
