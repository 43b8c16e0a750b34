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
        state = State(stepCount: run.optimizer.stepCount, samplesTrained: run.samplesTrained, history: run.history,
                      divergence: run.divergence, stoppedEarly: run.stoppedEarly,
                      bestValidationAccuracy: run.bestValidationAccuracy, bestEpoch: run.bestEpoch,
                      firstGradientNorm: run.firstGradientNorm, lastFiniteGradientNorm: run.lastFiniteGradientNorm)
    }

    /// Writes the checkpoint atomically: temporary file, fsync, rename. The previous checkpoint
    /// stays valid until the new one is complete.
    public func write(to path: String, configuration: ModelConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let stateJSON = String(decoding: try encoder.encode(state), as: UTF8.self)
        var tensors = parameters.withUnsafeBufferPointer { ModelFile.tensors(of: $0, configuration: configuration) }
        if !momentum.isEmpty {
            tensors += momentum.withUnsafeBufferPointer { ModelFile.tensors(of: $0, configuration: configuration, prefix: "momentum.") }
        }
        if let bestParameters {
            tensors += bestParameters.withUnsafeBufferPointer { ModelFile.tensors(of: $0, configuration: configuration, prefix: "best.") }
        }
        let file = SafeTensors(metadata: ["format": Checkpoint.format, "state": stateJSON], tensors: tensors)
        do { try AtomicFile.write(try file.encoded(), to: path) } catch let error as AtomicFileError {
            throw CheckpointError.cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Reads and checks a checkpoint for a model of `configuration`.
    public init(contentsOf path: String, configuration: ModelConfiguration, hasMomentum: Bool) throws {
        let file = try SafeTensors(contentsOf: path)
        guard file.metadata["format"] == Checkpoint.format, let stateJSON = file.metadata["state"] else {
            throw CheckpointError.badMetadata(path: path, key: "format", reason: "is not \(Checkpoint.format)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let state = try? decoder.decode(State.self, from: Data(stateJSON.utf8)) else {
            throw CheckpointError.badMetadata(path: path, key: "state", reason: "is not a valid checkpoint state")
        }
        self.state = state
        parameters = try ModelFile.parameters(from: file, configuration: configuration, path: path)
        momentum = hasMomentum ? try ModelFile.parameters(from: file, configuration: configuration, prefix: "momentum.", path: path) : []
        bestParameters = state.bestEpoch == nil ? nil
            : try ModelFile.parameters(from: file, configuration: configuration, prefix: "best.", path: path)
    }
}
