import Foundation
import MLPLab
import Testing

/// Backpropagation against central finite differences of an independent Double implementation.
struct GradientCheckTests {
    /// Builds a small MLP with random parameters and inputs, runs the library's forward and
    /// backward, and compares every parameter gradient with (L(θ+h) − L(θ−h)) / 2h in Double.
    @Test("MLP backward matches finite differences", arguments: Activation.allCases)
    func mlpBackwardMatchesFiniteDifferences(activation: Activation) {
        let configuration = ModelConfiguration(inputSize: 6, hiddenSizes: [5, 4], classCount: 3,
                                               activation: activation, initialization: .torch)
        let model = MLP(configuration: configuration)
        model.initialize(seed: 7)
        let rows = 4
        let workspace = Workspace(configuration: configuration, capacity: 8)
        let inputs = TestSupport.randomBuffer(rows * 6, seed: 11, scale: 2)
        workspace.input.base.update(from: inputs.base, count: rows * 6)
        let labels = [0, 2, 1, 2]
        for (i, label) in labels.enumerated() { workspace.labels[i] = Int32(label) }

        let engine = MatMul()
        let logits = model.forward(workspace, rows: rows, engine: engine)
        let loss = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: workspace.labels,
                                                       gradient: workspace.logitGradient.prefix(rows: rows))
        model.backward(workspace, rows: rows, engine: engine)

        let reference = ReferenceMLP(sizes: configuration.layerSizes, activation: activation)
        var theta = model.parameters.array.map(Double.init)
        let x = inputs.array.map(Double.init)
        #expect(abs(reference.loss(parameters: theta, inputs: x, labels: labels) - loss) < 1e-5)

        let h = 1e-6
        var worst = 0.0
        for i in theta.indices {
            let saved = theta[i]
            theta[i] = saved + h
            let plus = reference.loss(parameters: theta, inputs: x, labels: labels)
            theta[i] = saved - h
            let minus = reference.loss(parameters: theta, inputs: x, labels: labels)
            theta[i] = saved
            let numeric = (plus - minus) / (2 * h)
            let analytic = Double(workspace.gradients.base[i])
            worst = max(worst, abs(numeric - analytic) / (1e-4 + abs(numeric)))
        }
        #expect(worst < 1e-2, "\(activation): largest relative difference \(worst)")
    }

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

    @Test("each activation's derivative matches finite differences", arguments: Activation.allCases)
    func activationDerivativeMatchesFiniteDifferences(activation: Activation) {
        let inputs: [Float] = [-3, -1.5, -0.25, 0.3, 0.9, 2.5]
        let outputs = inputs.map { activation($0) }
        var gradient = [Float](repeating: 1, count: inputs.count)
        outputs.withUnsafeBufferPointer { output in
            gradient.withUnsafeMutableBufferPointer { g in
                activation.backward(output: output.baseAddress!, gradient: g.baseAddress!, count: inputs.count)
            }
        }
        let reference = ReferenceMLP(sizes: [1, 1], activation: activation)
        for (i, z) in inputs.enumerated() {
            let numeric = (reference.f(Double(z) + 1e-6) - reference.f(Double(z) - 1e-6)) / 2e-6
            #expect(abs(numeric - Double(gradient[i])) < 1e-4, "\(activation) at \(z): \(gradient[i]) vs \(numeric)")
        }
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
