import Foundation

/// Weights a new training starts from instead of drawing them (`training.init_from`): a model
/// file MLPLab wrote (`layer1.weight`, `layer1.bias`, …), or a PyTorch `state_dict` saved with
/// safetensors under the assignment's names (`fc1.weight`, `fc1.bias`, …), float32, each weight
/// [out, in] as `nn.Linear` holds it.
///
/// config.json records the file's path and the fingerprint of the weights read, so that the record
/// says exactly where the run started, and a file changed before the run starts is noticed.
public struct InitialWeights: Codable, Equatable, Sendable {
    /// The file, as given.
    public var path: String
    /// A hash of the weights read (``StableHash`` of their bits, in PyTorch's order).
    public var fingerprint: String

    /// The weights of `path` for a model of `configuration`, in PyTorch's order, with the record of
    /// where they came from. Throws ``CheckpointError`` for a file that cannot be read as
    /// safetensors, and `initialWeightsDoNotFit` naming the tensor for one whose layers are not the
    /// model's (a missing, extra or other-shaped tensor, or nan or infinite weights).
    public static func read(_ path: String, for configuration: ModelConfiguration) throws -> (weights: [Float], source: InitialWeights) {
        let file = try SafeTensors(contentsOf: path)
        func doesNotFit(_ reason: String) -> CheckpointError { .initialWeightsDoNotFit(path: path, reason: reason) }
        let stem = file["layer1.weight"] != nil ? "layer" : file["fc1.weight"] != nil ? "fc" : nil
        guard let stem else {
            throw doesNotFit("it holds neither layer1.weight (a model file MLPLab wrote) nor fc1.weight (a PyTorch state_dict with the assignment's names), but \(file.tensors.prefix(3).map { "'\($0.name)'" }.joined(separator: ", "))")
        }
        let layers = MLP.layout(configuration)
        var weights = [Float](repeating: 0, count: configuration.parameterCount)
        var expected: Set<String> = []
        for (index, layer) in layers.enumerated() {
            for (suffix, shape, offset) in [("weight", [layer.outputSize, layer.inputSize], layer.offset),
                                            ("bias", [layer.outputSize], layer.biasOffset)] {
                let name = "\(stem)\(index + 1).\(suffix)"
                expected.insert(name)
                guard let tensor = file[name] else {
                    throw doesNotFit("it has no '\(name)': the model \(configuration.shapeDescription) has \(layers.count) layers")
                }
                guard tensor.shape == shape else {
                    throw doesNotFit("'\(name)' is \(tensor.shape), the model \(configuration.shapeDescription) needs \(shape) there")
                }
                guard tensor.values.allSatisfy(\.isFinite) else {
                    throw doesNotFit("'\(name)' holds nan or infinite weights")
                }
                weights.replaceSubrange(offset..<(offset + tensor.values.count), with: tensor.values)
            }
        }
        if let extra = file.tensors.first(where: { !expected.contains($0.name) }) {
            throw doesNotFit("it holds '\(extra.name)', which the model \(configuration.shapeDescription) does not have (more layers, or a checkpoint's state: give a model file)")
        }
        var hash = StableHash()
        weights.withUnsafeBytes { hash.add(bytes: $0) }
        return (weights, InitialWeights(path: path, fingerprint: hash.hexDigest))
    }
}
