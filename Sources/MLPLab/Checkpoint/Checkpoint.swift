import Foundation

/// Everything needed to continue a training exactly where its last finished epoch left it.
///
/// Stored as one safetensors file: the weights under the model's names (`layer1.weight`, …), the
/// momentum buffer under `momentum.…`, the best-on-validation weights under `best.…`, and the
/// loop's state (step count, epoch history, best epoch, gradient norms) as JSON metadata. Each
/// epoch's shuffle is derived from the seed and the epoch number, so no generator state is needed:
/// resuming gives the same model, byte for byte, as never stopping (with the same thread count).
public struct Checkpoint {
    public var parameters: [Float]
    public var momentum: [Float]
    public var bestParameters: [Float]?
    public var state: State

    public struct State: Codable, Equatable {
        public var stepCount: Int
        public var samplesTrained: Int
        public var history: [EpochMetrics]
        public var divergence: Divergence?
        public var stoppedEarly: Bool
        public var bestValidationAccuracy: Double?
        public var bestEpoch: Int?
        public var firstGradientNorm: Double?
        public var lastFiniteGradientNorm: Double?

        /// Why this state cannot come from a training, or nil: counts are non-negative and far from
        /// overflowing, the history holds epochs 1, 2, … in order, the best epoch is one of them.
        var inconsistency: String? {
            let limit = 1 << 52
            guard (0...limit).contains(stepCount), (0...limit).contains(samplesTrained) else { return "has impossible step or sample counts" }
            guard history.enumerated().allSatisfy({ $0.element.epoch == $0.offset + 1 }) else {
                return "has an epoch history out of order"
            }
            if let bestEpoch, bestEpoch < 1 || bestEpoch > history.count { return "names a best epoch it does not have" }
            if let bestValidationAccuracy, !(0...1).contains(bestValidationAccuracy) { return "has a best accuracy outside 0…1" }
            return nil
        }

        /// The loop's state of `run` now.
        init(run: TrainingRun) {
            self.init(stepCount: run.optimizer.stepCount, samplesTrained: run.samplesTrained, history: run.history,
                      divergence: run.divergence, stoppedEarly: run.stoppedEarly,
                      bestValidationAccuracy: run.bestValidationAccuracy, bestEpoch: run.bestEpoch,
                      firstGradientNorm: run.firstGradientNorm, lastFiniteGradientNorm: run.lastFiniteGradientNorm)
        }

        init(stepCount: Int, samplesTrained: Int, history: [EpochMetrics], divergence: Divergence?, stoppedEarly: Bool,
             bestValidationAccuracy: Double?, bestEpoch: Int?, firstGradientNorm: Double?, lastFiniteGradientNorm: Double?) {
            self.stepCount = stepCount
            self.samplesTrained = samplesTrained
            self.history = history
            self.divergence = divergence
            self.stoppedEarly = stoppedEarly
            self.bestValidationAccuracy = bestValidationAccuracy
            self.bestEpoch = bestEpoch
            self.firstGradientNorm = firstGradientNorm
            self.lastFiniteGradientNorm = lastFiniteGradientNorm
        }
    }

    public static let format = "mlplab-checkpoint"

    public var stepCount: Int { state.stepCount }
    public var samplesTrained: Int { state.samplesTrained }
    public var history: [EpochMetrics] { state.history }
    public var divergence: Divergence? { state.divergence }
    public var stoppedEarly: Bool { state.stoppedEarly }
    public var bestValidationAccuracy: Double? { state.bestValidationAccuracy }
    public var bestEpoch: Int? { state.bestEpoch }
    public var firstGradientNorm: Double? { state.firstGradientNorm }
    public var lastFiniteGradientNorm: Double? { state.lastFiniteGradientNorm }

    /// The state of `run` now.
    public init(run: TrainingRun) {
        parameters = run.model.parameters.array
        momentum = run.optimizer.momentumBuffer.array
        bestParameters = run.bestEpoch == nil ? nil : run.bestParameters?.array
        state = State(run: run)
    }

    /// Writes the checkpoint atomically: temporary file, fsync, rename. The previous checkpoint
    /// stays valid until the new one is complete.
    public func write(to path: String, configuration: ModelConfiguration) throws {
        try parameters.withUnsafeBufferPointer { parameters in
            try momentum.withUnsafeBufferPointer { momentum in
                try (bestParameters ?? []).withUnsafeBufferPointer { best in
                    try Checkpoint.write(state: state, parameters: parameters, momentum: momentum,
                                         best: bestParameters == nil ? nil : best, configuration: configuration, to: path)
                }
            }
        }
    }

    /// Writes the checkpoint of `run` now, straight from its buffers: the same file as
    /// `Checkpoint(run: run).write(…)`, without holding copies of the weights in memory.
    public static func write(_ run: TrainingRun, to path: String) throws {
        try write(state: State(run: run), parameters: UnsafeBufferPointer(run.model.parameters.buffer),
                  momentum: UnsafeBufferPointer(run.optimizer.momentumBuffer.buffer),
                  best: run.bestEpoch == nil ? nil : run.bestParameters.map { UnsafeBufferPointer($0.buffer) },
                  configuration: run.model.configuration, to: path)
    }

    private static func write(state: State, parameters: UnsafeBufferPointer<Float>, momentum: UnsafeBufferPointer<Float>,
                              best: UnsafeBufferPointer<Float>?, configuration: ModelConfiguration, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let stateJSON = String(decoding: try encoder.encode(state), as: UTF8.self)
        var tensors = ModelFile.tensorViews(of: parameters, configuration: configuration)
        if !momentum.isEmpty { tensors += ModelFile.tensorViews(of: momentum, configuration: configuration, prefix: "momentum.") }
        if let best { tensors += ModelFile.tensorViews(of: best, configuration: configuration, prefix: "best.") }
        do {
            try SafeTensors.write(metadata: ["format": Checkpoint.format, "state": stateJSON], tensors: tensors, to: path)
        } catch let error as AtomicFileError {
            throw CheckpointError.cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Reads and checks a checkpoint for a model of `configuration`.
    public init(contentsOf path: String, configuration: ModelConfiguration, hasMomentum: Bool) throws {
        try self.init(file: try SafeTensors(contentsOf: path), path: path, configuration: configuration, hasMomentum: hasMomentum)
    }

    /// Checks a parsed safetensors `file` (read from `path`, named in errors) as a checkpoint for
    /// a model of `configuration`: its format, its state (consistent with itself, so a crafted
    /// file cannot steer the loop into overflow), and every tensor's name and shape.
    public init(file: SafeTensors, path: String, configuration: ModelConfiguration, hasMomentum: Bool) throws {
        guard file.metadata["format"] == Checkpoint.format, let stateJSON = file.metadata["state"] else {
            throw CheckpointError.badMetadata(path: path, key: "format", reason: "is not \(Checkpoint.format)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let state = try? decoder.decode(State.self, from: Data(stateJSON.utf8)) else {
            throw CheckpointError.badMetadata(path: path, key: "state", reason: "is not a valid checkpoint state")
        }
        if let problem = state.inconsistency {
            throw CheckpointError.badMetadata(path: path, key: "state", reason: problem)
        }
        self.state = state
        parameters = try ModelFile.parameters(from: file, configuration: configuration, path: path)
        momentum = hasMomentum ? try ModelFile.parameters(from: file, configuration: configuration, prefix: "momentum.", path: path) : []
        bestParameters = state.bestEpoch == nil ? nil
            : try ModelFile.parameters(from: file, configuration: configuration, prefix: "best.", path: path)
    }
}
