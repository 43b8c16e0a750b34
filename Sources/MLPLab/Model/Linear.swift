/// A fully connected layer, `y = x·Wᵀ + b`, as a view into the model's parameter buffer.
///
/// Layout (as `nn.Linear`): `weight` is `[outputSize, inputSize]` row-major, followed directly by
/// `bias` `[outputSize]`. The same offsets address the gradient buffer, which has the parameters'
/// layout, so the optimizer sees one flat array and a checkpoint is one block.
public struct Linear: Sendable, Equatable {
    public let inputSize: Int
    public let outputSize: Int
    /// Where this layer's weight starts in the parameter (and gradient) buffer.
    public let offset: Int

    public var weightCount: Int { inputSize * outputSize }
    public var parameterCount: Int { weightCount + outputSize }
    public var biasOffset: Int { offset + weightCount }

    public func weight(in buffer: FloatBuffer) -> Matrix {
        Matrix(buffer.base + offset, rows: outputSize, columns: inputSize)
    }

    public func bias(in buffer: FloatBuffer) -> UnsafeMutablePointer<Float> {
        buffer.base + biasOffset
    }

    /// `output = activation(input · Wᵀ + b)`, bias and activation fused into the engine's product.
    ///
    /// Reads `input` (batch × inputSize) and the parameters; writes `output` (batch × outputSize).
    public func forward(input: Matrix, parameters: FloatBuffer, output: Matrix, activation: Activation?, engine: MatMul) {
        engine.multiply(input, weight(in: parameters), transposeB: true, into: output,
                        bias: bias(in: parameters), activation: activation)
    }

    /// Gradients of the loss with respect to this layer's parameters and, optionally, its input.
    ///
    /// Reads `input` (batch × inputSize, what `forward` saw) and `outputGradient` = dL/dz
    /// (batch × outputSize, already divided by the batch size by the loss). Writes (does not
    /// accumulate) dL/dW = dzᵀ·x and dL/db = Σ_rows dz into `gradients`, and dL/dx = dz·W into
    /// `inputGradient` when given (the first layer needs none).
    public func backward(input: Matrix, outputGradient: Matrix, inputGradient: Matrix?,
                         parameters: FloatBuffer, gradients: FloatBuffer, engine: MatMul) {
        engine.multiply(outputGradient, transposeA: true, input, into: weight(in: gradients))
        let biasGradient = bias(in: gradients)
        biasGradient.update(repeating: 0, count: outputSize)
        for row in 0..<outputGradient.rows {
            let dz = outputGradient.base + row * outputSize
            for j in 0..<outputSize { biasGradient[j] += dz[j] }
        }
        if let inputGradient {
            engine.multiply(outputGradient, weight(in: parameters), into: inputGradient)
        }
    }
}
