/// Which layers' weight updates the engine folds into their weight-gradient products (see ``Optimizer``),
/// decided once per training from its ``ComputePlan``.
///
/// Only plain SGD folds (see ``Optimizer`` for why momentum does not), and only alone (a data-parallel
/// gradient must exist to be summed). Folding saves the optimizer's pass over the weights
/// (reading ∇ and θ, writing θ: 12 bytes per weight), but the gradient norm then needs two
/// batch × batch Gram products (`Linear.weightGradientSquaredNorm`): 2·batch²·(in + out) flops,
/// and the engine's product with a sum post-op may run slower than the plain one. Whether it pays
/// differs by CPU: on AVX2's `gemm:jit` (AMD EPYC Zen 3) the assignment's three large layers
/// gain; on `brg:avx512_core` (AMD EPYC Zen 5) the fused 4800×64·64×3600 product takes 10.2 ms
/// against 4.5 ms plain plus a 1.6 ms pass. ``ComputePlan/measured(model:training:rows:processes:cacheDirectory:)``
/// measures it; ``ComputePlan/standard(model:rows:)`` keeps the shape rule of `fusesByShape`.
public struct UpdatePlan: Sendable, Equatable {
    /// Per layer: whether its weight update is fused.
    public let fusedLayers: [Bool]
    /// Parameter ranges `Optimizer.step` updates from stored gradients: all biases and unfused weights.
    public let plainRanges: [Range<Int>]
    /// Weight ranges the products update.
    public let fusedRanges: [Range<Int>]

    /// The ratio in the shape rule: how many Gram flops (÷2) per weight a fused layer may spend.
    public static let flopsPerWeight = 8

    /// The shape rule, measured on AVX2 (AMD EPYC Zen 3, 2 cores): a layer is fused when the Gram
    /// products are few against its weights, batch²·(in + out) ≤ `flopsPerWeight`·in·out. The
    /// assignment's three large layers qualify at batch 64; its 1200→52 layer and the
    /// Fashion-MNIST model's layers do not (their pass is cheap, and the Gram products would cost
    /// more than it).
    public static func fusesByShape(inputSize: Int, outputSize: Int, batchSize: Int) -> Bool {
        batchSize * batchSize * (inputSize + outputSize) <= flopsPerWeight * inputSize * outputSize
    }

    /// The plan for `layers`: layer i fused when `fusable[i]` (the ``ComputePlan``'s choice), the
    /// optimizer allows it and `enabled`.
    public init(layers: [Linear], fusable: [Bool], optimizer: Optimizer, enabled: Bool) {
        precondition(fusable.count == layers.count, "UpdatePlan: \(fusable.count) choices for \(layers.count) layers")
        let fused = fusable.map { enabled && optimizer.canFuse && $0 }
        fusedLayers = fused
        var plain: [Range<Int>] = []
        var fusedRanges: [Range<Int>] = []
        for (layer, isFused) in zip(layers, fused) {
            if isFused {
                fusedRanges.append(layer.weightRange)
                plain.append(layer.biasRange)
            } else {
                plain.append(layer.offset..<layer.biasRange.upperBound)  // weight and bias are adjacent
            }
        }
        plainRanges = UpdatePlan.merged(plain)
        self.fusedRanges = fusedRanges
    }

    /// Whether any layer is fused (the workspace then needs Gram scratch).
    public var fusesAny: Bool { fusedLayers.contains(true) }

    /// Adjacent ranges joined, so an all-plain plan is one pass over the whole buffer.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges {
            if let last = result.last, last.upperBound == range.lowerBound {
                result[result.count - 1] = last.lowerBound..<range.upperBound
            } else {
                result.append(range)
            }
        }
        return result
    }
}
