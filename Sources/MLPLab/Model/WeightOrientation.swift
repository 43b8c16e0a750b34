/// How a layer's weight sits in the parameter buffer while it trains: a choice of speed, not of
/// values. Every file MLPLab writes holds PyTorch's order whatever the orientation.
///
/// - `inOut`: S = Wᵀ, `[inputSize, outputSize]` row-major. The forward is x·S and the weight
///   gradient xᵀ·dz, both with a row-major right operand; the input gradient reads S transposed.
/// - `outIn`: W itself, `[outputSize, inputSize]` row-major, as `nn.Linear` stores it. The forward
///   reads W transposed (x·Wᵀ); the input gradient dz·W is row-major; the weight gradient is dzᵀ·x.
///
/// Which is faster depends on the CPU and the shape, not only on the kernel oneDNN names
/// (BENCHMARKS.md, "Weight layouts"): AVX2's `gemm:jit` multiplies x·S fastest; on an AMD EPYC
/// Zen 5 `brg:avx512_core` runs a 64×4800·4800×3600 forward at 371 GFLOP/s as x·S and 274 as x·Wᵀ,
/// and on an Intel Emerald Rapids the same kernel does the opposite (116–123 against 212–216).
/// So training measures the two on the machine (``ComputePlan``).
public enum WeightOrientation: String, Codable, CaseIterable, Sendable {
    /// S = Wᵀ stored `[in, out]`: the default, and the order training used before the choice.
    case inOut = "in_out"
    /// W stored `[out, in]`, PyTorch's order.
    case outIn = "out_in"
}
