/// The two orders of a model's parameters.
///
/// **PyTorch's**, the order of every file MLPLab writes and of the public exchange formats:
/// `layer1.weight` as [out, in] row-major, `layer1.bias`, `layer2.weight`, …
///
/// **The training order**, in `MLP.parameters` and every buffer of its layout (gradients,
/// momentum, best weights): the same blocks at the same offsets, each weight in its layer's
/// ``WeightOrientation``: [in, out] row-major (S = Wᵀ), which is transposed to and from
/// PyTorch's, or [out, in], which is PyTorch's already. Biases are the same in both orders.
extension MLP {
    /// Copies a buffer of `layers`' parameter layout from the training order to PyTorch's
    /// (`toPyTorch`) or back. `source` and `destination` hold the layers' parameter count each
    /// and must not overlap.
    public static func reorder(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                               layers: [Linear], toPyTorch: Bool) {
        for layer in layers {
            if layer.orientation == .outIn {
                (destination + layer.offset).update(from: source + layer.offset, count: layer.parameterCount)
                continue
            }
            // Training order: [in, out]; PyTorch's: [out, in]. Transposing one gives the other.
            let rows = toPyTorch ? layer.inputSize : layer.outputSize
            let columns = toPyTorch ? layer.outputSize : layer.inputSize
            Matrix(UnsafeMutablePointer(mutating: source) + layer.offset, rows: rows, columns: columns)
                .transposed(columns: 0..<columns, into: destination + layer.offset)
            (destination + layer.biasOffset).update(from: source + layer.biasOffset, count: layer.outputSize)
        }
    }

    /// `buffer` (this model's training order: parameters, gradients, momentum, best weights) in
    /// PyTorch's order.
    public func pyTorchOrder(_ buffer: FloatBuffer) -> [Float] {
        precondition(buffer.count == configuration.parameterCount, "MLP.pyTorchOrder: \(buffer.count) values for \(configuration.parameterCount) parameters")
        return [Float](unsafeUninitializedCapacity: buffer.count) { result, count in
            if buffer.count > 0 { MLP.reorder(buffer.base, into: result.baseAddress!, layers: layers, toPyTorch: true) }
            count = buffer.count
        }
    }

    /// Fills `buffer` (this model's training order) from `values` in PyTorch's order.
    public func load(pyTorchOrder values: [Float], into buffer: FloatBuffer) {
        precondition(values.count == buffer.count && values.count == configuration.parameterCount,
                     "MLP.load: \(values.count) values for a buffer of \(buffer.count)")
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { MLP.reorder(base, into: buffer.base, layers: layers, toPyTorch: false) }
        }
    }

    /// The parameters in PyTorch's order (`layer1.weight` [out, in], `layer1.bias`, …): what
    /// `state_dict()` would hold, and what model files store.
    public var pyTorchParameters: [Float] {
        pyTorchOrder(parameters)
    }

    /// Sets the parameters from `values` in PyTorch's order (`load_state_dict`).
    public func load(pyTorchParameters values: [Float]) {
        load(pyTorchOrder: values, into: parameters)
    }
}
