import Foundation
import MLPLab
import Testing

/// The fused softmax and cross-entropy: its gradient against central finite differences, and its
/// loss at extreme logits.
struct SoftmaxCrossEntropyTests {
    @Test("the loss gradient matches finite differences")
    func lossGradientMatchesFiniteDifferences() {
        let (rows, classes) = (3, 5)
        let logits = TestSupport.randomBuffer(rows * classes, seed: 5, scale: 4)
        let gradient = FloatBuffer(count: rows * classes)
        let labels: [Int32] = [4, 0, 2]
        _ = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.lossAndGradient(logits: Matrix(logits.base, rows: rows, columns: classes),
                                                labels: $0.baseAddress!, gradient: Matrix(gradient.base, rows: rows, columns: classes))
        }
        func loss(_ z: [Double]) -> Double {
            (0..<rows).map { r in
                let row = z[(r * classes)..<((r + 1) * classes)]
                let m = row.max()!
                return Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +)) + m - row[r * classes + Int(labels[r])]
            }.reduce(0, +) / Double(rows)
        }
        var z = logits.array.map(Double.init)
        var worst = 0.0
        for i in z.indices {
            let saved = z[i]
            z[i] = saved + 1e-6
            let plus = loss(z)
            z[i] = saved - 1e-6
            let minus = loss(z)
            z[i] = saved
            worst = max(worst, abs((plus - minus) / 2e-6 - Double(gradient.base[i])))
        }
        #expect(worst < 1e-5, "largest difference \(worst)")
    }

    @Test("huge logits give a finite, exact loss")
    func hugeLogitsStayFinite() {
        let logits: [Float] = [1e30, 0, -1e30, 88, 89, 1000]
        var gradient = [Float](repeating: 0, count: 6)
        let labels: [Int32] = [1, 2]
        var mutableLogits = logits
        let loss = mutableLogits.withUnsafeMutableBufferPointer { z in
            gradient.withUnsafeMutableBufferPointer { g in
                labels.withUnsafeBufferPointer { l in
                    SoftmaxCrossEntropy.lossAndGradient(logits: Matrix(z.baseAddress!, rows: 2, columns: 3), labels: l.baseAddress!,
                                                        gradient: Matrix(g.baseAddress!, rows: 2, columns: 3))
                }
            }
        }
        // Row 0: label logit 0, max 1e30 → loss 1e30. Row 1: label 1000 is the max by 911 → loss ≈ 0.
        #expect(loss.isFinite)
        #expect(abs(loss - 0.5e30) / 0.5e30 < 1e-6)
        #expect(gradient.allSatisfy { $0.isFinite })
        #expect(abs(gradient[0] - 0.5) < 1e-6 && abs(gradient[1] + 0.5) < 1e-6)
    }

    @Test("a NaN logit is reported as a NaN loss, not hidden")
    func nanLogitGivesNaNLoss() {
        var logits: [Float] = [1, .nan, 2]
        var gradient = [Float](repeating: 0, count: 3)
        let label: [Int32] = [0]
        let loss = logits.withUnsafeMutableBufferPointer { z in
            gradient.withUnsafeMutableBufferPointer { g in
                label.withUnsafeBufferPointer { l in
                    SoftmaxCrossEntropy.lossAndGradient(logits: Matrix(z.baseAddress!, rows: 1, columns: 3), labels: l.baseAddress!,
                                                        gradient: Matrix(g.baseAddress!, rows: 1, columns: 3))
                }
            }
        }
        #expect(loss.isNaN)
    }
}
