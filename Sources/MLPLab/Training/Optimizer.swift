import Foundation
import CVector

/// A training's optimizer: SGD, Adam or AdamW (``OptimizerConfiguration``), exactly as
/// `torch.optim` computes them, one pass over the parameters per step, allocating nothing.
///
/// SGD as `torch.optim.SGD` computes it, for every parameter θ with gradient ∇:
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
/// than 1 in a second pass), more than the plain pass it would replace. Adam is never fused.
///
/// Adam and AdamW as `torch.optim.Adam` and `AdamW` compute them (the single-tensor form), at
/// step t from 1:
///
///     g = ∇ + weightDecay·θ                  (Adam; AdamW instead: θ = θ·(1 − lr·weightDecay))
///     m = lerp(m, g, 1 − β1)                 (torch's exp_avg.lerp_)
///     v = β2·v + (1 − β2)·g²
///     v̂ = max(v̂, v)                          (AMSGrad; the denominator then uses v̂)
///     θ = θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
public final class Optimizer {
    /// The hyperparameters; a step's `learningRate` argument, when given, replaces the rate here.
    public let configuration: OptimizerConfiguration
    /// The state buffers, in the parameters' layout, named as `configuration.stateBufferNames`
    /// (none for plain SGD; `momentum`; or Adam's `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`).
    public let stateBuffers: [(name: String, values: FloatBuffer)]
    /// SGD's momentum buffer b (empty without momentum, and for Adam).
    public let momentumBuffer: FloatBuffer
    /// Steps taken; the first step initializes b (Adam counts t from it).
    public private(set) var stepCount = 0
    /// One sum of squares per chunk of the last step.
    private let partialSquares = FloatBuffer(count: Parallel.maximumChunks)
    /// Adam's buffers (empty for SGD): m, v and v̂ (empty without AMSGrad).
    private let firstMoment: FloatBuffer, secondMoment: FloatBuffer, maximumSecondMoment: FloatBuffer

    /// An optimizer for `parameterCount` parameters. Its state buffers are allocated (zeroed) only
    /// when the algorithm has them, so plain SGD costs no memory beyond the gradients.
    public init(configuration: OptimizerConfiguration, parameterCount: Int) {
        self.configuration = configuration
        let buffers = configuration.stateBufferNames.map { (name: $0, values: FloatBuffer(count: parameterCount)) }
        stateBuffers = buffers
        func buffer(_ name: String) -> FloatBuffer { buffers.first { $0.name == name }?.values ?? FloatBuffer(count: 0) }
        momentumBuffer = buffer("momentum")
        (firstMoment, secondMoment, maximumSecondMoment) = (buffer("exp_avg"), buffer("exp_avg_sq"), buffer("max_exp_avg_sq"))
    }

    /// The state buffer called `name`, if the optimizer has one.
    public func stateBuffer(_ name: String) -> FloatBuffer? {
        stateBuffers.first { $0.name == name }?.values
    }

    /// Restores the state a checkpoint saved: the step count and each state buffer from
    /// `buffers` (by name, in the training order), which must hold exactly this optimizer's.
    public func restore(stepCount: Int, buffers: [String: [Float]]) {
        precondition(Set(buffers.keys) == Set(stateBuffers.map(\.name)), "Optimizer.restore: other state buffers than the optimizer's")
        self.stepCount = stepCount
        for (name, values) in stateBuffers {
            precondition(buffers[name]!.count == values.count, "Optimizer.restore: \(name) has the wrong size")
            values.copy(from: buffers[name]!)
        }
    }

    /// Restores SGD's state: the step count and the momentum buffer (empty without momentum).
    public func restore(stepCount: Int, momentum: [Float]) {
        restore(stepCount: stepCount, buffers: momentum.isEmpty ? [:] : ["momentum": momentum])
    }

    /// Restores the step count alone, the momentum buffer having been filled in place (a
    /// data-parallel rank receiving rank 0's state).
    public func restore(stepCount: Int) {
        self.stepCount = stepCount
    }

    /// Whether the update can be folded into weight-gradient products (plain SGD, with or
    /// without weight decay).
    public var canFuse: Bool { configuration.algorithm == .sgd && configuration.momentum == 0 }

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
        if configuration.isAdam {
            adamUpdate(range, parameters: parameters, gradients: gradients, learningRate: learningRate, threads: threads)
        } else {
            sgdUpdate(range, parameters: parameters, gradients: gradients, learningRate: learningRate, threads: threads)
        }
        // One partial sum of squares per chunk, added in chunk order: deterministic.
        var total = 0.0
        for chunk in 0..<Parallel.maximumChunks { total += Double(partialSquares.base[chunk]) }
        return total
    }

    private func sgdUpdate(_ range: Range<Int>, parameters: FloatBuffer, gradients: FloatBuffer, learningRate: Double?, threads: Int) {
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

    /// Everything one chunk of Adam's pass reads. The scalars are torch's: step size
    /// lr / (1 − β1ᵗ) and √(1 − β2ᵗ) computed in Double, then used in Float.
    private struct AdamArguments {
        let theta: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>
        let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, vMax: UnsafeMutablePointer<Float>?
        let squares: UnsafeMutablePointer<Float>
        let decay: Float, shrink: Float, lerpWeight: Float, beta2: Float, oneMinusBeta2: Float
        let stepSize: Float, correction2Root: Float, eps: Float
    }

    private func adamUpdate(_ range: Range<Int>, parameters: FloatBuffer, gradients: FloatBuffer, learningRate: Double?, threads: Int) {
        let c = configuration
        let lr = learningRate ?? c.learningRate
        let t = Double(stepCount + 1)
        let decoupled = c.algorithm == .adamw
        var arguments = AdamArguments(
            theta: parameters.base, gradient: gradients.base, m: firstMoment.base, v: secondMoment.base,
            vMax: c.amsgrad ? maximumSecondMoment.base : nil, squares: partialSquares.base,
            decay: decoupled ? 0 : Float(c.weightDecay), shrink: decoupled ? Float(1 - lr * c.weightDecay) : 1,
            lerpWeight: Float(1 - c.beta1), beta2: Float(c.beta2), oneMinusBeta2: Float(1 - c.beta2),
            stepSize: Float(lr / (1 - pow(c.beta1, t))), correction2Root: Float((1 - pow(c.beta2, t)).squareRoot()), eps: Float(c.eps))
        withUnsafeMutablePointer(to: &arguments) { pointer in
            Parallel.forEachChunk(range, threads: threads, context: UnsafeMutableRawPointer(pointer)) { context, chunk, lower, upper in
                Optimizer.adamChunk(context!.assumingMemoryBound(to: AdamArguments.self).pointee, chunk: chunk, lower..<upper)
            }
        }
    }

    /// Adam's update of `range`, storing its Σ∇² in `squares[chunk]`, in torch's order of
    /// operations (lerp as torch computes it for a weight below ½ and above). Eight parameters
    /// at a time in explicit SIMD vectors (a running Float sum would keep the compiler from
    /// vectorizing a scalar loop), the last few one by one with the same operations, so that
    /// every parameter gets the same bits wherever a chunk starts.
    private static func adamChunk(_ p: AdamArguments, chunk: Int, _ range: Range<Int>) {
        @inline(__always)
        func update(_ i: Int) -> SIMD8<Float> {
            typealias V = SIMD8<Float>
            func load(_ pointer: UnsafeMutablePointer<Float>) -> V { UnsafeRawPointer(pointer + i).loadUnaligned(as: V.self) }
            func store(_ value: V, _ pointer: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(pointer + i).storeBytes(of: value, as: V.self) }
            let gradient = load(p.gradient)
            let theta = load(p.theta) * p.shrink
            let g = p.decay == 0 ? gradient : gradient + p.decay * theta
            let oldM = load(p.m)
            let m = p.lerpWeight < 0.5 ? oldM + p.lerpWeight * (g - oldM) : g - (g - oldM) * (1 - p.lerpWeight)
            let v = load(p.v) * p.beta2 + p.oneMinusBeta2 * g * g
            store(m, p.m)
            store(v, p.v)
            var second = v
            if let vMax = p.vMax {
                second = pointwiseMax(load(vMax), v)
                store(second, vMax)
            }
            let denominator = cvector_sqrt8(second) / p.correction2Root + p.eps
            store(theta + -p.stepSize * (m / denominator), p.theta)
            return gradient * gradient
        }

        var lanes = SIMD8<Float>()
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            lanes += update(i)
            i += 8
        }
        var sum = lanes.sum()
        while i < range.upperBound {  // the last few, the same operations on one Float each
            let gradient = p.gradient[i]
            let theta = p.theta[i] * p.shrink
            let g = p.decay == 0 ? gradient : gradient + p.decay * theta
            let oldM = p.m[i]
            let m = p.lerpWeight < 0.5 ? oldM + p.lerpWeight * (g - oldM) : g - (g - oldM) * (1 - p.lerpWeight)
            let v = p.v[i] * p.beta2 + p.oneMinusBeta2 * g * g
            p.m[i] = m
            p.v[i] = v
            var second = v
            if let vMax = p.vMax {
                second = max(vMax[i], v)
                vMax[i] = second
            }
            let denominator = second.squareRoot() / p.correction2Root + p.eps
            p.theta[i] = theta + -p.stepSize * (m / denominator)
            sum += gradient * gradient
            i += 1
        }
        p.squares[chunk] += sum
    }
}
