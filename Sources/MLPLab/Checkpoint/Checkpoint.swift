import Foundation

/// The loop state a checkpoint carries beside its tensors, as JSON metadata. The training layer
/// defines it (``TrainingState``); this file format only stores it and asks it to check itself,
/// so that a crafted file cannot steer the loop into overflow.
public protocol CheckpointState: Codable, Equatable, Sendable {
    /// Why this state cannot come from a training, or nil.
    var inconsistency: String? { get }
}

/// Everything needed to continue a training exactly where its last finished epoch left it.
///
/// Stored as one safetensors file: the weights under the model's names (`layer1.weight`, …), each
/// of the optimizer's state buffers under its name (`momentum.…`, `exp_avg.…`, …), the
/// best-on-validation weights under `best.…`, and the
/// loop's `state` as JSON metadata. Each epoch's shuffle is derived from the seed and the epoch
/// number, so no generator state is needed: resuming gives the same model, byte for byte, as
/// never stopping (with the same thread count).
public struct Checkpoint<State: CheckpointState> {
    /// The model's weights and biases, `parameterCount` floats in PyTorch's order
    /// (`layer1.weight` [out, in], …), as the file stores them (see ``MLP/pyTorchParameters``).
    public var parameters: [Float]
    /// The optimizer's state buffers by name (`momentum`; Adam's `exp_avg`, `exp_avg_sq`,
    /// `max_exp_avg_sq`), each in the parameters' layout; empty for plain SGD.
    public var optimizerState: [String: [Float]]
    /// SGD's momentum buffer; empty without momentum.
    public var momentum: [Float] { optimizerState["momentum"] ?? [] }
    /// The weights of the best epoch on validation so far, in the same layout; nil when there is
    /// none yet (no validation set, or no epoch scored).
    public var bestParameters: [Float]?
    /// The loop's counters and history at the end of the last finished epoch, stored as the
    /// file's "state" metadata.
    public var state: State

    /// The "format" metadata that marks a checkpoint; a model file's is `ModelFile.format`, so
    /// neither is read as the other.
    public static var format: String { "mlplab-checkpoint" }

    /// A checkpoint from copies of a training's buffers: `momentum` empty without momentum,
    /// `bestParameters` nil without a best epoch.
    public init(parameters: [Float], momentum: [Float], bestParameters: [Float]?, state: State) {
        self.init(parameters: parameters, optimizerState: momentum.isEmpty ? [:] : ["momentum": momentum],
                  bestParameters: bestParameters, state: state)
    }

    /// A checkpoint from copies of a training's buffers: `optimizerState` the optimizer's state
    /// buffers by name, `bestParameters` nil without a best epoch.
    public init(parameters: [Float], optimizerState: [String: [Float]], bestParameters: [Float]?, state: State) {
        self.parameters = parameters
        self.optimizerState = optimizerState
        self.bestParameters = bestParameters
        self.state = state
    }

    /// Writes the checkpoint atomically: temporary file, fsync, rename. The previous checkpoint
    /// stays valid until the new one is complete.
    public func write(to path: String, configuration: ModelConfiguration) throws {
        // Each state buffer's pointer, valid inside the closures that give them, in name order.
        func withStateBuffers(_ names: ArraySlice<String>, _ collected: [(name: String, values: UnsafeBufferPointer<Float>)],
                              _ body: ([(name: String, values: UnsafeBufferPointer<Float>)]) throws -> Void) throws {
            guard let name = names.first else { return try body(collected) }
            try optimizerState[name]!.withUnsafeBufferPointer { try withStateBuffers(names.dropFirst(), collected + [(name, $0)], body) }
        }
        try withStateBuffers(ArraySlice(optimizerState.keys.sorted()), []) { buffers in
            try parameters.withUnsafeBufferPointer { parameters in
                try (bestParameters ?? []).withUnsafeBufferPointer { best in
                    try Checkpoint.write(state: state, parameters: parameters, optimizerState: buffers,
                                         best: bestParameters == nil ? nil : best, configuration: configuration, to: path)
                }
            }
        }
    }

    /// Writes a checkpoint straight from buffers (a training's own), without copying the weights.
    /// `metadata` is stored beside "format" and "state" (a training's
    /// ``RunRecord/checkpointKey``). With `orientations` the buffers hold their weights so (a
    /// training's, see MLP+Layout.swift) and are written in PyTorch's order, as every file is.
    public static func write(state: State, parameters: UnsafeBufferPointer<Float>,
                             optimizerState: [(name: String, values: UnsafeBufferPointer<Float>)],
                             best: UnsafeBufferPointer<Float>?, configuration: ModelConfiguration,
                             metadata: [String: String] = [:], orientations: [WeightOrientation]? = nil, to path: String) throws {
        let stateJSON = try JSONCoding.string(state, pretty: false)
        var tensors = ModelFile.tensorViews(of: parameters, configuration: configuration, orientations: orientations)
        for buffer in optimizerState {
            tensors += ModelFile.tensorViews(of: buffer.values, configuration: configuration, prefix: buffer.name + ".", orientations: orientations)
        }
        if let best { tensors += ModelFile.tensorViews(of: best, configuration: configuration, prefix: "best.", orientations: orientations) }
        do {
            try SafeTensors.write(metadata: metadata.merging(["format": format, "state": stateJSON]) { $1 }, tensors: tensors, to: path)
        } catch let error as AtomicFileError {
            throw CheckpointError.cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Reads and checks a checkpoint for a model of `configuration` (which must be valid: it
    /// sizes what is read).
    public init(contentsOf path: String, configuration: ModelConfiguration, optimizerState: [String], hasBest: (State) -> Bool) throws {
        try self.init(file: try SafeTensors(contentsOf: path), path: path, configuration: configuration, optimizerState: optimizerState, hasBest: hasBest)
    }

    /// Checks a parsed safetensors `file` (read from `path`, named in errors) as a checkpoint for
    /// a model of `configuration`: its format, its state (consistent with itself), and its
    /// tensors: exactly the model's, those of each optimizer state buffer named in
    /// `optimizerState`, and the best weights' when `hasBest` says from the state that they
    /// belong, each of the model's shapes.
    public init(file: SafeTensors, path: String, configuration: ModelConfiguration, optimizerState names: [String],
                hasBest: (State) -> Bool) throws {
        guard file.metadata["format"] == Checkpoint.format, let stateJSON = file.metadata["state"] else {
            throw CheckpointError.badMetadata(path: path, key: "format", reason: "is not \(Checkpoint.format)")
        }
        let state: State
        do { state = try JSONCoding.decode(State.self, from: Data(stateJSON.utf8)) } catch {
            let problem = JSONCoding.problem(decoding: State.self, from: Data(stateJSON.utf8), error: error)
            throw CheckpointError.badMetadata(path: path, key: "state", reason: "cannot be read (\(problem))")
        }
        if let problem = state.inconsistency {
            throw CheckpointError.badMetadata(path: path, key: "state", reason: problem)
        }
        // Exactly the tensors the configuration and the state call for: momentum left in a file
        // whose run has none (an edited config.json) is a disagreement, not something to drop.
        let prefixes = [""] + names.map { $0 + "." } + (hasBest(state) ? ["best."] : [])
        try ModelFile.checkTensorNames(in: file, are: prefixes.flatMap { ModelFile.tensorNames(configuration, prefix: $0) }, path: path)
        self.state = state
        parameters = try ModelFile.parameters(from: file, configuration: configuration, path: path)
        var optimizerState: [String: [Float]] = [:]
        for name in names {
            optimizerState[name] = try ModelFile.parameters(from: file, configuration: configuration, prefix: name + ".", path: path)
        }
        self.optimizerState = optimizerState
        bestParameters = hasBest(state) ? try ModelFile.parameters(from: file, configuration: configuration, prefix: "best.", path: path) : nil
    }
}
