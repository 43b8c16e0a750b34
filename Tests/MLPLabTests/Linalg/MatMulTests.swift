import Foundation
import MLPLab
import Testing

/// The engine seam against a naive triple loop in Double, on small odd shapes.
struct MatMulTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (3, 5, 7), (17, 13, 29), (64, 1, 3), (2, 33, 65), (5, 4, 0)]

    @Test("matches a naive product for every transpose combination", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaiveProduct(transposeA: Bool, transposeB: Bool) {
        let engine = MatMul()
        for (index, shape) in Self.shapes.enumerated() {
            let (m, n, k) = shape
            let a = TestSupport.randomBuffer(m * k, seed: UInt64(index))
            let b = TestSupport.randomBuffer(k * n, seed: UInt64(index + 100))
            let c = FloatBuffer(count: m * n)
            c.fill(.nan)  // the product must overwrite every element
            engine.multiply(transposeA ? Matrix(a.base, rows: k, columns: m) : Matrix(a.base, rows: m, columns: k),
                            transposeA: transposeA,
                            transposeB ? Matrix(b.base, rows: n, columns: k) : Matrix(b.base, rows: k, columns: n),
                            transposeB: transposeB,
                            into: Matrix(c.base, rows: m, columns: n))
            var largest = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k {
                        let x = transposeA ? a.base[p * m + i] : a.base[i * k + p]
                        let y = transposeB ? b.base[j * k + p] : b.base[p * n + j]
                        sum += Double(x) * Double(y)
                    }
                    largest = max(largest, abs(sum - Double(c.base[i * n + j])))
                }
            }
            #expect(largest < 1e-4, "shape \(m)×\(n)×\(k) transposeA \(transposeA) transposeB \(transposeB): largest difference \(largest)")
        }
    }

    @Test("fuses bias and each activation like applying them after the product", arguments: [Activation?.none] + Activation.allCases.map { $0 })
    func fusedBiasAndActivation(activation: Activation?) {
        let engine = MatMul()
        let (m, n, k) = (7, 11, 13)
        let x = TestSupport.randomBuffer(m * k, seed: 1, scale: 2)
        let w = TestSupport.randomBuffer(n * k, seed: 2, scale: 2)
        let bias = TestSupport.randomBuffer(n, seed: 3)
        let fused = FloatBuffer(count: m * n)
        engine.multiply(Matrix(x.base, rows: m, columns: k), Matrix(w.base, rows: n, columns: k), transposeB: true,
                        into: Matrix(fused.base, rows: m, columns: n), bias: bias.base, activation: activation?.elementwise)
        var largest = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var z = Double(bias.base[j])
                for p in 0..<k { z += Double(x.base[i * k + p]) * Double(w.base[j * k + p]) }
                let expected = activation.map { Double($0(Float(z))) } ?? z
                largest = max(largest, abs(expected - Double(fused.base[i * n + j])))
            }
        }
        #expect(largest < 1e-4, "activation \(String(describing: activation)): largest difference \(largest)")
    }

    @Test("names the kernel oneDNN chose, as DNNL_VERBOSE does; an optimized one where the CPU has AVX2 or better")
    func reportsTheKernelItChose() {
        let engine = MatMul()
        let name = engine.implementationName(m: 64, n: 96, k: 128, transposeB: true)
        // oneDNN's implementation names: "gemm:jit", "brg:avx512_core", "ref:any", …
        #expect(name.range(of: #"^[a-z0-9_]+(:[a-z0-9_]+)+$"#, options: .regularExpression) != nil, "kernel name '\(name)'")
        if ["avx2", "avx512", "amx"].contains(where: MatMul.instructionSet.contains) {
            #expect(!name.hasPrefix("ref"), "oneDNN fell back to its reference kernel '\(name)' on \(MatMul.instructionSet)")
        }
        #expect(MatMul.engineVersion.hasPrefix("oneDNN 2."))
    }
}
