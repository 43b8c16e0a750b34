/// The hyperparameters of stochastic gradient descent, named and defaulted as `torch.optim.SGD`
/// with the assignment's values (lr 0.01, no momentum, no weight decay).
public struct OptimizerConfiguration: Codable, Equatable, Sendable {
    /// The base step size lr; 0.01 by default, the assignment's. A schedule scales it per epoch.
    public var learningRate: Double = 0.01
    /// Momentum factor, 0 ≤ momentum < 1; 0 (none) by default, as in torch.
    public var momentum: Double = 0
    /// Dampening of the momentum update, 0…1; 0 by default, as in torch.
    public var dampening: Double = 0
    /// L2 penalty added to the gradient (g = ∇ + weightDecay·θ); 0 by default, as in torch.
    public var weightDecay: Double = 0
    /// Nesterov momentum (needs momentum above 0 and no dampening); off by default, as in torch.
    public var nesterov: Bool = false

    /// A configuration with torch.optim.SGD's defaults, except the learning rate, which is the
    /// assignment's 0.01. Not checked here; call `validate()`.
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
/// Two ways to run it. Plain: the backward pass writes ∇ and `step` makes one pass over the
/// parameter, gradient and momentum buffers (5 streams of 4 bytes per parameter with momentum, 3
/// without). Fused, for large weight matrices without momentum (see ``UpdatePlan``): the engine's
/// weight-gradient product writes θ = (1 − lr·weightDecay)·θ − lr·(dzᵀx) itself, as
/// `weightUpdate(…)` describes, so ∇ is never stored and `step` has nothing left to do there.
/// The two agree to rounding, not bit for bit: the engine sums in its own order (tests hold them
/// together).
///
/// Momentum is not fused: b and θ must both be written, and the engine's product can write only
/// one of them. Measured (AMD EPYC, 2 cores, AVX2, 3600×64·64×4800): folding b = 0.9·b + ∇ into the
/// product took 38 ms against 16 ms for the bare product (oneDNN 2.6 applies a sum scale other
/// than 1 in a second pass), more than the plain pass it would replace.
public final class Optimizer {
    /// The hyperparameters; a step's `learningRate` argument, when given, replaces the rate here.
    public let configuration: OptimizerConfiguration
    /// The momentum buffer b, in the parameters' layout (empty without momentum).
    public let momentumBuffer: FloatBuffer
    /// Steps taken; the first step initializes b.
    public private(set) var stepCount = 0
    /// One sum of squares per chunk of the last step.
    private let partialSquares = FloatBuffer(count: Parallel.maximumChunks)

    /// An optimizer for `parameterCount` parameters. The momentum buffer is allocated (zeroed) only
    /// when momentum is not 0, so plain SGD costs no memory beyond the gradients.
    public init(configuration: OptimizerConfiguration, parameterCount: Int) {
        self.configuration = configuration
        momentumBuffer = FloatBuffer(count: configuration.momentum != 0 ? parameterCount : 0)
    }

    /// Restores the state a checkpoint saved.
    public func restore(stepCount: Int, momentum: [Float]) {
        precondition(momentum.count == momentumBuffer.count, "Optimizer.restore: momentum has the wrong size")
        self.stepCount = stepCount
        if !momentum.isEmpty { momentumBuffer.copy(from: momentum) }
    }

    /// Restores the step count alone, the momentum buffer having been filled in place (a
    /// data-parallel rank receiving rank 0's state).
    public func restore(stepCount: Int) {
        self.stepCount = stepCount
    }

    /// Whether the update can be folded into weight-gradient products (plain SGD, with or
    /// without weight decay).
    public var canFuse: Bool { configuration.momentum == 0 }

    /// What the weight-gradient product of the weights at `range` should write for this step
    /// instead of the gradient: θ = (1 − lr·weightDecay)·θ − lr·∇.
    public func weightUpdate(_ range: Range<Int>, parameters: FloatBuffer, learningRate: Double? = nil) -> WeightUpdate {
        precondition(canFuse, "Optimizer.weightUpdate: momentum cannot be fused")
        let lr = Float(learningRate ?? configuration.learningRate)
        return WeightUpdate(destination: parameters.base + range.lowerBound, scale: -lr,
                            accumulate: 1 - lr * Float(configuration.weightDecay))
    }

    /// The plain update over the whole buffer (no fused ranges). Returns ‖∇‖.
    @discardableResult
    public func step(parameters: FloatBuffer, gradients: FloatBuffer, learningRate: Double? = nil, threads: Int) -> Double {
        precondition(parameters.count == gradients.count, "Optimizer.step: parameters and gradients differ in size")
        let squares = plainUpdate(0..<parameters.count, parameters: parameters, gradients: gradients,
                                  learningRate: learningRate, threads: threads)
        stepCount += 1
        return squares.squareRoot()
    }

    /// Finishes a step planned by `plan`: the plain update of `plan.plainRanges` from `gradients`
    /// (the products already updated the fused weights). Returns ‖∇‖ over all parameters, given
    /// the fused weights' squared gradient norm `fusedSquares`.
    @discardableResult
    public func step(parameters: FloatBuffer, gradients: FloatBuffer, plan: UpdatePlan, fusedSquares: Double,
                     learningRate: Double? = nil, threads: Int) -> Double {
        precondition(parameters.count == gradients.count, "Optimizer.step: parameters and gradients differ in size")
        precondition(plan.fusedRanges.isEmpty || canFuse, "Optimizer.step: a fused plan needs plain SGD")
        var squares = fusedSquares
        for range in plan.plainRanges {
            squares += plainUpdate(range, parameters: parameters, gradients: gradients, learningRate: learningRate, threads: threads)
        }
        stepCount += 1
        return squares.squareRoot()
    }

    /// The update from stored gradients over `range`; returns Σ∇² there. Runs on the threads
    /// with ``Parallel``'s allocation-free form: the arguments travel as a `PassArguments`.
    private func plainUpdate(_ range: Range<Int>, parameters: FloatBuffer, gradients: FloatBuffer,
                             learningRate: Double?, threads: Int) -> Double {
        partialSquares.fill(0)
        var arguments = PassArguments(
            theta: parameters.base, gradient: gradients.base, buffer: momentumBuffer.base, squares: partialSquares.base,
            lr: Float(learningRate ?? configuration.learningRate), decay: Float(configuration.weightDecay),
            mu: Float(configuration.momentum), keep: 1 - Float(configuration.dampening),
            nesterov: configuration.nesterov, first: stepCount == 0)
        withUnsafeMutablePointer(to: &arguments) { pointer in
            Parallel.forEachChunk(range, threads: threads, context: UnsafeMutableRawPointer(pointer)) { context, chunk, lower, upper in
                Optimizer.updateChunk(context!.assumingMemoryBound(to: PassArguments.self).pointee, chunk: chunk, lower..<upper)
            }
        }
        // One partial sum of squares per chunk, added in chunk order: deterministic.
        var total = 0.0
        for chunk in 0..<Parallel.maximumChunks { total += Double(partialSquares.base[chunk]) }
        return total
    }

    /// Everything one chunk of the plain pass reads.
    private struct PassArguments {
        let theta: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>
        let buffer: UnsafeMutablePointer<Float>, squares: UnsafeMutablePointer<Float>
        let lr: Float, decay: Float, mu: Float, keep: Float
        let nesterov: Bool, first: Bool
    }

    /// The plain update of `range`, storing its Σ∇² in `squares[chunk]`.
    private static func updateChunk(_ p: PassArguments, chunk: Int, _ range: Range<Int>) {
        let theta = p.theta, grad = p.gradient, buffer = p.buffer
        let lr = p.lr, decay = p.decay, mu = p.mu, keep = p.keep, nesterov = p.nesterov, first = p.first

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
        p.squares[chunk] += sum
    }
}
