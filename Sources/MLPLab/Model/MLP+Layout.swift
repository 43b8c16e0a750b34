/// The two orders of a model's parameters.
///
/// **PyTorch's**, the order of every file MLPLab writes and of the public exchange formats:
/// `layer1.weight` as [out, in] row-major, `layer1.bias`, `layer2.weight`, …
///
/// **The training order**, in `MLP.parameters` and every buffer of its layout (gradients,
/// momentum, best weights): the same blocks at the same offsets, but each weight stored
/// transposed, [in, out] row-major (S = Wᵀ). Measured on the AVX2 machine (BENCHMARKS.md, "Weight
/// layouts"): oneDNN's gemm reads a transposed right operand at 71–105 GFLOP/s for 64 rows against
/// 120–155 row-major, and the forward x·Wᵀ is such a read when W is stored [out, in]; stored
/// [in, out] it is x·S, row-major, and the weight gradient is written straight into S as xᵀ·dz.
/// Biases are the same in both orders.
extension MLP {
    /// Copies a buffer of `configuration`'s parameter layout from the training order to PyTorch's
    /// (`toPyTorch`) or back. `source` and `destination` hold `parameterCount` floats each and
    /// must not overlap.
    public static func reorder(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                               configuration: ModelConfiguration, toPyTorch: Bool) {
        for layer in layout(configuration) {
            // Training order: [in, out]; PyTorch's: [out, in]. Transposing one gives the other.
            let rows = toPyTorch ? layer.inputSize : layer.outputSize
            let columns = toPyTorch ? layer.outputSize : layer.inputSize
            Matrix(UnsafeMutablePointer(mutating: source) + layer.offset, rows: rows, columns: columns)
                .transposed(columns: 0..<columns, into: destination + layer.offset)
            (destination + layer.biasOffset).update(from: source + layer.biasOffset, count: layer.outputSize)
        }
    }

    /// `values` (training order, `parameterCount` floats) in PyTorch's order.
    public static func pyTorchOrder(_ values: UnsafeBufferPointer<Float>, configuration: ModelConfiguration) -> [Float] {
        precondition(values.count == configuration.parameterCount, "MLP.pyTorchOrder: \(values.count) values for \(configuration.parameterCount) parameters")
        return [Float](unsafeUninitializedCapacity: values.count) { result, count in
            if let source = values.baseAddress { reorder(source, into: result.baseAddress!, configuration: configuration, toPyTorch: true) }
            count = values.count
        }
    }

    /// Fills `buffer` (training order) from `values` in PyTorch's order.
    public static func load(pyTorchOrder values: [Float], into buffer: FloatBuffer, configuration: ModelConfiguration) {
        precondition(values.count == buffer.count && values.count == configuration.parameterCount,
                     "MLP.load: \(values.count) values for a buffer of \(buffer.count)")
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { reorder(base, into: buffer.base, configuration: configuration, toPyTorch: false) }
        }
    }

    /// The parameters in PyTorch's order (`layer1.weight` [out, in], `layer1.bias`, …): what
    /// `state_dict()` would hold, and what model files store.
    public var pyTorchParameters: [Float] {
        MLP.pyTorchOrder(UnsafeBufferPointer(parameters.buffer), configuration: configuration)
    }

    /// Sets the parameters from `values` in PyTorch's order (`load_state_dict`).
    public func load(pyTorchParameters values: [Float]) {
        MLP.load(pyTorchOrder: values, into: parameters, configuration: configuration)
    }
}
