/// The hyperparameters of stochastic gradient descent, named and defaulted as `torch.optim.SGD`
/// with the assignment's values (lr 0.01, no momentum, no weight decay).
public struct SGDConfiguration: Codable, Equatable, Sendable {
    public var learningRate: Double = 0.01
    public var momentum: Double = 0
    public var dampening: Double = 0
    public var weightDecay: Double = 0
    public var nesterov: Bool = false

    public init(learningRate: Double = 0.01, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }
}

/// Stochastic gradient descent exactly as `torch.optim.SGD` computes it, for every parameter θ
/// with gradient ∇:
///
///     g = ∇ + weightDecay·θ
///     b = g                                  on the first step (no dampening then)
///     b = momentum·b + (1 − dampening)·g     after
///     d = g + momentum·b  if nesterov,  else b          (d = g when momentum is 0)
///     θ = θ − lr·d
///
/// One pass over the contiguous parameter, gradient and momentum buffers, split over threads;
/// the same pass sums ∇² for the gradient norm, so watching it costs no extra read.
public final class SGD {
    public let configuration: SGDConfiguration
    /// The momentum buffer b, in the parameters' layout (empty without momentum).
    public let momentumBuffer: FloatBuffer
    /// Steps taken; the first step initializes b.
    public private(set) var stepCount = 0
    /// One sum of squares per chunk of the last step.
    private let partialSquares = FloatBuffer(count: Parallel.maximumChunks)

    public init(configuration: SGDConfiguration, parameterCount: Int) {
        self.configuration = configuration
        momentumBuffer = FloatBuffer(count: configuration.momentum != 0 ? parameterCount : 0)
    }

    /// Restores the state a checkpoint saved.
    public func restore(stepCount: Int, momentum: [Float]) {
        precondition(momentum.count == momentumBuffer.count, "SGD.restore: momentum has the wrong size")
        self.stepCount = stepCount
        if !momentum.isEmpty { momentumBuffer.copy(from: momentum) }
    }

    /// Updates `parameters` in place from `gradients` (read only); `learningRate` overrides the
    /// configured one when a schedule is in use. Returns the L2 norm of the gradient ∇ (before
    /// weight decay).
    @discardableResult
    public func step(parameters: FloatBuffer, gradients: FloatBuffer, learningRate: Double? = nil, threads: Int) -> Double {
        precondition(parameters.count == gradients.count, "SGD.step: parameters and gradients differ in size")
        let lr = Float(learningRate ?? configuration.learningRate)
        let decay = Float(configuration.weightDecay)
        let mu = Float(configuration.momentum)
        let keep = 1 - Float(configuration.dampening)
        let nesterov = configuration.nesterov
        let first = stepCount == 0
        let theta = parameters.base, grad = gradients.base, buffer = momentumBuffer.base
        let squares = partialSquares.base
        partialSquares.fill(0)

        /// Updates `V.scalarCount` parameters from `i` and returns their ∇². Written with explicit
        /// SIMD vectors: a running Float sum in a scalar loop would keep the compiler from
        /// vectorizing the whole update (it may not reorder the sum). Every parameter gets the
        /// same operations in the same order as the scalar tail below, so results are bit-identical.
        @inline(__always)
        func update<V: SIMD>(_ i: Int, _: V.Type) -> V where V.Scalar == Float {
            let gradient = UnsafeRawPointer(grad + i).loadUnaligned(as: V.self)
            let t = UnsafeRawPointer(theta + i).loadUnaligned(as: V.self)
            let g = gradient + decay * t
            var d = g
            if mu != 0 {
                let b = first ? g : mu * UnsafeRawPointer(buffer + i).loadUnaligned(as: V.self) + keep * g
                UnsafeMutableRawPointer(buffer + i).storeBytes(of: b, as: V.self)
                d = nesterov ? g + mu * b : b
            }
            UnsafeMutableRawPointer(theta + i).storeBytes(of: t - lr * d, as: V.self)
            return gradient * gradient
        }

        // One partial sum of squares per chunk, added in chunk order: deterministic.
        Parallel.forEachChunk(count: parameters.count, threads: threads) { chunk, range in
            var lanes = SIMD8<Float>()
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                lanes += update(i, SIMD8<Float>.self)
                i += 8
            }
            var sum = lanes.sum()
            while i < range.upperBound {  // the last few, same formulas on one Float
                let gradient = grad[i], t = theta[i]
                let g = gradient + decay * t
                var d = g
                if mu != 0 {
                    let b = first ? g : mu * buffer[i] + keep * g
                    buffer[i] = b
                    d = nesterov ? g + mu * b : b
                }
                theta[i] = t - lr * d
                sum += gradient * gradient
                i += 1
            }
            squares[chunk] = sum
        }
        stepCount += 1
        var total = 0.0
        for chunk in 0..<Parallel.maximumChunks { total += Double(squares[chunk]) }
        return total.squareRoot()
    }
}
