/// A fully connected layer, `y = x·Wᵀ + b`, as a view into the model's parameter buffer.
///
/// Layout: the weight in its ``WeightOrientation`` (S = Wᵀ `[inputSize, outputSize]` row-major,
/// or W `[outputSize, inputSize]` as `nn.Linear` stores it; see MLP+Layout.swift), followed
/// directly by `bias` `[outputSize]`. The same offsets address the gradient buffer, which has the
/// parameters' layout (a weight's gradient stored as the weight is), so the optimizer sees one
/// flat array.
public struct Linear: Sendable, Equatable {
    /// Features in (784 for a first layer on 28×28 images): W's column count, the stored S's row count.
    public let inputSize: Int
    /// Features out: W's row count, the stored S's column count, and the bias's length.
    public let outputSize: Int
    /// Where this layer's weight starts in the parameter (and gradient) buffer.
    public let offset: Int
    /// How the weight is stored: S = Wᵀ `[in, out]` (the default) or W `[out, in]`.
    public let orientation: WeightOrientation

    /// A view of a layer whose weight starts `offset` floats into the parameter buffer; `MLP.layout`
    /// computes the offsets. Nothing is checked against a buffer until one is read.
    public init(inputSize: Int, outputSize: Int, offset: Int, orientation: WeightOrientation = .inOut) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.offset = offset
        self.orientation = orientation
    }

    /// Floats in the weight, outputSize × inputSize.
    public var weightCount: Int { inputSize * outputSize }
    /// Floats in weight and bias together, the layer's share of the parameter buffer.
    public var parameterCount: Int { weightCount + outputSize }
    /// Where the bias starts in the parameter (and gradient) buffer: directly after the weight.
    public var biasOffset: Int { offset + weightCount }
    /// The weight's floats in the parameter buffer.
    public var weightRange: Range<Int> { offset..<biasOffset }
    /// The bias's floats in the parameter buffer.
    public var biasRange: Range<Int> { biasOffset..<(biasOffset + outputSize) }

    /// The weight in `buffer` (parameters or gradients) as stored: S = Wᵀ, an
    /// (inputSize × outputSize) row-major view, or W, (outputSize × inputSize).
    public func weight(in buffer: FloatBuffer) -> Matrix {
        weight(at: buffer.base + offset)
    }

    /// The weight stored at `base` in this layer's orientation.
    func weight(at base: UnsafeMutablePointer<Float>) -> Matrix {
        switch orientation {
        case .inOut: Matrix(base, rows: inputSize, columns: outputSize)
        case .outIn: Matrix(base, rows: outputSize, columns: inputSize)
        }
    }

    /// Where W's element (output, input) is stored, counted from the weight's start.
    public func index(output: Int, input: Int) -> Int {
        orientation == .inOut ? input * outputSize + output : output * inputSize + input
    }

    /// The first of the bias's `outputSize` floats in `buffer` (parameters or gradients).
    public func bias(in buffer: FloatBuffer) -> UnsafeMutablePointer<Float> {
        buffer.base + biasOffset
    }

    /// `output = activation(input · Wᵀ + b)` (= activation(input · S + b) with S stored), bias and
    /// activation fused into the engine's product.
    ///
    /// Reads `input` (batch × inputSize) and the parameters; writes `output` (batch × outputSize).
    /// A bf16 engine converts the weight into `weightCopy` when given, for `backward` to reuse.
    public func forward(input: Matrix, parameters: FloatBuffer, output: Matrix, activation: Activation?, engine: MatMul,
                        weightCopy: InputCopy? = nil) {
        engine.multiply(input, weight(in: parameters), transposeB: orientation == .outIn, into: output,
                        bias: bias(in: parameters), activation: activation?.elementwise,
                        conversion: weightCopy.map { .fill($0) } ?? .perProduct)
    }

    /// Gradients of the loss with respect to this layer's parameters and, optionally, its input.
    ///
    /// Reads `input` (batch × inputSize, what `forward` saw) and `outputGradient` = dz = dL/dz
    /// (batch × outputSize, already divided by the batch size by the loss). Writes dL/dx = dz·W
    /// (= dz·Sᵀ) into `inputGradient` when given (the first layer needs none), first, while the
    /// weight is still the one `forward` used. Then the weight gradient, stored as the weight is
    /// (dL/dS = xᵀ·dz, or dL/dW = dzᵀ·x), into `gradients` (overwritten) when `weightUpdate` is
    /// nil, else the engine writes the optimizer's update in its place
    /// (`weightUpdate.destination = scale·gradient + accumulate·destination`). dL/db = Σ_rows dz goes
    /// into `gradients` unless `biasGradientIsWritten` (the activation's backward summed it).
    /// `weightCopy`: the one `forward` filled, whose bf16 weight dz·W then reads.
    public func backward(input: Matrix, outputGradient: Matrix, inputGradient: Matrix?,
                         parameters: FloatBuffer, gradients: FloatBuffer,
                         weightUpdate: WeightUpdate? = nil, biasGradientIsWritten: Bool = false, engine: MatMul,
                         weightCopy: InputCopy? = nil) {
        if let inputGradient {
            self.inputGradient(outputGradient: outputGradient, parameters: parameters, into: inputGradient,
                               engine: engine, weightCopy: weightCopy)
        }
        let destination = weight(at: weightUpdate?.destination ?? gradients.base + offset)
        let (a, b) = orientation == .inOut ? (input, outputGradient) : (outputGradient, input)
        engine.multiply(a, transposeA: true, b, into: destination,
                        scale: weightUpdate?.scale ?? 1, accumulate: weightUpdate?.accumulate ?? 0)
        if !biasGradientIsWritten {
            Linear.columnSums(outputGradient, into: bias(in: gradients))
        }
    }

    /// dL/dx = dz·W (= dz·Sᵀ) into `inputGradient` (batch × inputSize), from `outputGradient`
    /// (batch × outputSize); `backward`'s first product. `weightCopy`: the one `forward` filled.
    public func inputGradient(outputGradient: Matrix, parameters: FloatBuffer, into inputGradient: Matrix,
                              engine: MatMul, weightCopy: InputCopy? = nil) {
        engine.multiply(outputGradient, weight(in: parameters), transposeB: orientation == .inOut, into: inputGradient,
                        conversion: weightCopy.map { .reuse($0) } ?? .perProduct)
    }

    /// ‖dzᵀ·x‖², the squared norm of the weight gradient, without forming it: with the batch's
    /// Gram matrices Z = dz·dzᵀ and X = x·xᵀ (batch × batch each), ‖dzᵀx‖² = tr(xᵀdz·dzᵀx) =
    /// Σᵢⱼ Zᵢⱼ·Xᵢⱼ. Costs 2·batch²·(in + out) flops against the gradient's 2·batch·in·out, so a
    /// fused update (which never writes the gradient) still reports the norm.
    ///
    /// `scratch` holds two batch × batch matrices (2·batch² floats).
    public func weightGradientSquaredNorm(input: Matrix, outputGradient: Matrix, scratch: UnsafeMutablePointer<Float>,
                                          engine: MatMul) -> Double {
        let rows = input.rows
        let z = Matrix(scratch, rows: rows, columns: rows)
        let x = Matrix(scratch + rows * rows, rows: rows, columns: rows)
        engine.multiply(outputGradient, outputGradient, transposeB: true, into: z)
        engine.multiply(input, input, transposeB: true, into: x)
        var total = 0.0
        for i in 0..<rows {
            var row: Float = 0
            for j in 0..<rows { row += z[i, j] * x[i, j] }
            total += Double(row)
        }
        return total
    }

    /// `sums[j] = Σ_rows m[row, j]`, rows added in order (vectorized across columns).
    static func columnSums(_ m: Matrix, into sums: UnsafeMutablePointer<Float>) {
        sums.update(repeating: 0, count: m.columns)
        for row in 0..<m.rows {
            let values = m.base + row * m.columns
            for j in 0..<m.columns { sums[j] += values[j] }
        }
    }
}

/// What the engine writes in place of a weight gradient when the optimizer's update is fused
/// into the weight-gradient product: `destination = scale · dL/dW + accumulate · destination`,
/// `destination` being the weights themselves (plain SGD). Made by
/// ``Optimizer/weightUpdate(_:parameters:learningRate:)``.
public struct WeightUpdate {
    /// The weight matrix as stored (in its layer's ``WeightOrientation``), read and overwritten in
    /// place.
    public var destination: UnsafeMutablePointer<Float>
    /// The factor on dL/dW: −learningRate for SGD.
    public var scale: Float
    /// The factor on the old weight: 1 − learningRate × weightDecay for SGD (1 without weight decay).
    public var accumulate: Float

    /// An update `destination = scale · dL/dW + accumulate · destination`;
    /// ``Optimizer/weightUpdate(_:parameters:learningRate:)`` fills in the factors.
    public init(destination: UnsafeMutablePointer<Float>, scale: Float, accumulate: Float) {
        self.destination = destination
        self.scale = scale
        self.accumulate = accumulate
    }
}
