/// Which layers' weight updates the engine folds into their weight-gradient products (see ``SGD``),
/// decided once per training from the shapes.
///
/// Only plain SGD folds (see ``SGD`` for why momentum does not). Folding saves the optimizer's
/// pass over the weights (reading ∇ and θ, writing θ: 12 bytes per weight), but the gradient norm then needs two batch × batch Gram products
/// (`Linear.weightGradientSquaredNorm`): 2·batch²·(in + out) flops. A layer is fused when
/// those flops are few against its weights: batch²·(in + out) ≤ `flopsPerWeight`·in·out.
/// Measured on the step benchmark (AMD EPYC, 2 cores, AVX2): the assignment's three large
/// layers qualify at batch 64, its 1200→52 layer and the Fashion-MNIST model's layers do not
/// (for those the pass is cheap and the Gram products would cost more than it).
public struct UpdatePlan: Sendable, Equatable {
    /// Per layer: whether its weight update is fused.
    public let fusedLayers: [Bool]
    /// Parameter ranges `SGD.step` updates from stored gradients: all biases and unfused weights.
    public let plainRanges: [Range<Int>]
    /// Weight ranges the products update.
    public let fusedRanges: [Range<Int>]

    /// The ratio in the rule above: how many Gram flops (÷2) per weight a fused layer may spend.
    public static let flopsPerWeight = 8

    /// The plan for `layers` trained in batches of `batchSize`; nothing fused unless `enabled` and
    /// the optimizer allows it.
    public init(layers: [Linear], batchSize: Int, optimizer: SGD, enabled: Bool) {
        let fused = layers.map { layer in
            enabled && optimizer.canFuse
                && batchSize * batchSize * (layer.inputSize + layer.outputSize) <= UpdatePlan.flopsPerWeight * layer.weightCount
        }
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
