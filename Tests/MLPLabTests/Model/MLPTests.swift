import Foundation
import MLPLab
import Testing

/// Backpropagation against central finite differences of an independent Double implementation.
struct MLPTests {
    /// Builds a small MLP with random parameters and inputs, runs the library's forward and
    /// backward, and compares every parameter gradient with (L(θ+h) − L(θ−h)) / 2h in Double.
    @Test("MLP backward matches finite differences, in every weight orientation",
          arguments: Activation.allCases, [[WeightOrientation.inOut, .inOut, .inOut], [.outIn, .outIn, .outIn], [.outIn, .inOut, .outIn]])
    func mlpBackwardMatchesFiniteDifferences(activation: Activation, orientations: [WeightOrientation]) {
        let configuration = ModelConfiguration(inputSize: 6, hiddenSizes: [5, 4], classCount: 3,
                                               activation: activation, initialization: .torch)
        let model = MLP(configuration: configuration, orientations: orientations)
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

        // The reference reads PyTorch's order (each weight [out, in]); the model trains with its
        // weights in `orientations`: the conversions at the edge are part of what is checked.
        let reference = ReferenceMLP(sizes: configuration.layerSizes, activation: activation)
        let theta = model.pyTorchParameters.map(Double.init)
        let gradients = model.pyTorchOrder(workspace.gradients)
        let x = inputs.array.map(Double.init)
        #expect(abs(reference.loss(parameters: theta, inputs: x, labels: labels) - loss) < 1e-5)

        let numeric = reference.numericGradient(parameters: theta, inputs: x, labels: labels)
        var worst = 0.0
        for i in theta.indices {
            worst = max(worst, abs(numeric[i] - Double(gradients[i])) / (1e-4 + abs(numeric[i])))
        }
        #expect(worst < 1e-2, "\(activation), \(orientations): largest relative difference \(worst)")
    }
}
