import MLPLab
import Testing

/// Each activation's derivative against central finite differences of an independent Double
/// implementation.
struct ActivationTests {
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
}
