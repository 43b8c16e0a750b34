/// Measures the engine's product rate at one shape, for `mlplab doctor` and `bench/`.
public enum MatMulBenchmark {
    /// A product to time: its label and shape, (m × k) · (k × n), operands transposed or not.
    public struct Shape: Sendable {
        /// What the result is printed beside, e.g. "forward  x·S    64×4800 · 4800×3600".
        public var label: String
        /// The product's sizes as multiplied: (m × k) · (k × n) gives (m × n).
        public var m, n, k: Int
        /// Whether A is stored as (k × m) and B as (n × k) and read transposed; false by default
        /// (plain row-major operands).
        public var transposeA = false, transposeB = false
    }

    /// The three products of the assignment's first layer (4800 → 3600) at batch 64, as training
    /// runs them with the weight stored S = Wᵀ (MLP+Layout.swift): the forward x·S and the
    /// backward's two (the input gradient dz·Sᵀ is the one a hidden layer of this size has), what
    /// `mlplab doctor` times.
    public static let assignmentFirstLayer: [Shape] = [
        Shape(label: "forward  x·S    64×4800 · 4800×3600", m: 64, n: 3600, k: 4800),
        Shape(label: "backward dz·Sᵀ  64×3600 · 3600×4800", m: 64, n: 4800, k: 3600, transposeB: true),
        Shape(label: "backward xᵀ·dz  4800×64 · 64×3600  ", m: 4800, n: 3600, k: 64, transposeA: true),
    ]

    /// GFLOP/s of `shape` (see `gigaflops(m:n:k:…)`).
    public static func gigaflops(_ shape: Shape, engine: MatMul) -> Double {
        gigaflops(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA, transposeB: shape.transposeB, engine: engine)
    }

    /// GFLOP/s of `(m × k) · (k × n)` (2·m·n·k flops a product), the median of `repeats`
    /// timed runs after one warm-up. Random inputs in [-1, 1). A bf16 engine converts `b` once, in
    /// the warm-up (as training converts a layer's weight once per step, see ``InputCopy``), and `a`
    /// in every product.
    public static func gigaflops(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                                 repeats: Int = 20, engine: MatMul) -> Double {
        let a = FloatBuffer(count: m * k), b = FloatBuffer(count: k * n), c = FloatBuffer(count: m * n)
        var generator = RandomGenerator(seed: 1, stream: .initialization)
        for i in 0..<a.count { a.base[i] = generator.nextFloat(in: -1, 1) }
        for i in 0..<b.count { b.base[i] = generator.nextFloat(in: -1, 1) }
        let aMatrix = transposeA ? Matrix(a.base, rows: k, columns: m) : Matrix(a.base, rows: m, columns: k)
        let bMatrix = transposeB ? Matrix(b.base, rows: n, columns: k) : Matrix(b.base, rows: k, columns: n)
        let cMatrix = Matrix(c.base, rows: m, columns: n)
        let clock = ContinuousClock()
        var times: [Double] = []
        let copy = engine.precision == .float32 ? nil : InputCopy(count: b.count, precision: engine.precision)
        for iteration in 0...max(repeats, 1) {
            let conversion: MatMul.Conversion = copy.map { iteration == 0 ? .fill($0) : .reuse($0) } ?? .perProduct
            let start = clock.now
            engine.multiply(aMatrix, transposeA: transposeA, bMatrix, transposeB: transposeB, into: cMatrix,
                            conversion: conversion)
            if iteration > 0 { times.append((clock.now - start).seconds) }
        }
        times.sort()
        return 2 * Double(m) * Double(n) * Double(k) / times[times.count / 2] / 1e9
    }
}

extension MatMulBenchmark {
    /// One product's rate in float32 and in bf16 on this CPU, timed one after the other.
    public struct PrecisionComparison: Sendable {
        /// GFLOP/s with float32 inputs.
        public var float32: Double
        /// GFLOP/s with bf16 inputs and float32 sums, the weight converted once beforehand (as
        /// training converts a layer's weight once per step).
        public var bfloat16: Double
        /// bf16's speed as a multiple of float32's: below 1, bf16 is slower here.
        public var ratio: Double { bfloat16 / float32 }

        /// Two measured (or, in tests, chosen) rates.
        public init(float32: Double, bfloat16: Double) {
            (self.float32, self.bfloat16) = (float32, bfloat16)
        }
    }

    /// `(m × k) · (k × n)` in both formats, medians of `repeats`, or nil on a CPU without bf16
    /// instructions (where bf16 falls back to float32, see `MatMul.resolve`).
    public static func compareBFloat16(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                                       repeats: Int = 10) -> PrecisionComparison? {
        guard MatMul.supportsBFloat16 else { return nil }
        let float32 = gigaflops(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, repeats: repeats, engine: MatMul())
        let bfloat16 = gigaflops(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, repeats: repeats,
                                 engine: MatMul(precision: .bfloat16))
        return PrecisionComparison(float32: float32, bfloat16: bfloat16)
    }
}
