import Foundation
import MLPLab
import Testing

/// Dropout as nn.Dropout in training mode: its masks, its scaling, and backpropagation through it.
struct DropoutTests {
    static let configuration = ModelConfiguration(inputSize: 6, hiddenSizes: [40, 30], classCount: 3, activation: .tanh)

    @Test("masks hold 0 or 1/(1 − p), drop about p of the activations, and are a function of seed, step and row alone")
    func masks() {
        let workspace = Workspace(configuration: Self.configuration, capacity: 64, dropout: true)
        let dropout = Dropout([0.25, 0.5], hiddenLayers: 2)
        dropout.fillMasks(workspace, rows: 64, firstRow: 0, seed: 3, step: 7)
        for (mask, p) in zip(workspace.dropoutMasks, [Float(0.25), 0.5]) {
            let values = Array(UnsafeBufferPointer(start: mask.base, count: mask.count))
            #expect(values.allSatisfy { $0 == 0 || $0 == 1 / (1 - p) })
            let dropped = Double(values.filter { $0 == 0 }.count) / Double(values.count)
            #expect(abs(dropped - Double(p)) < 0.04, "dropped \(dropped) for p \(p)")
        }
        let first = workspace.dropoutMasks.map { Array(UnsafeBufferPointer(start: $0.base, count: $0.count)) }
        // Rows 32… of the batch filled alone (a second process's share) are the same rows.
        let other = Workspace(configuration: Self.configuration, capacity: 64, dropout: true)
        dropout.fillMasks(other, rows: 32, firstRow: 32, seed: 3, step: 7)
        #expect(Array(UnsafeBufferPointer(start: other.dropoutMasks[0].base, count: 32 * 40)) == Array(first[0][(32 * 40)...]))
        // Another step or seed draws other masks.
        dropout.fillMasks(other, rows: 64, firstRow: 0, seed: 3, step: 8)
        #expect(Array(UnsafeBufferPointer(start: other.dropoutMasks[0].base, count: 64 * 40)) != first[0])
    }

    @Test("backward through dropout matches finite differences of a Double forward with the same masks", arguments: Activation.allCases)
    func gradientsThroughMasks(activation: Activation) {
        let configuration = ModelConfiguration(inputSize: 6, hiddenSizes: [5, 4], classCount: 3, activation: activation)
        let model = MLP(configuration: configuration)
        model.initialize(seed: 2)
        let rows = 4
        let workspace = Workspace(configuration: configuration, capacity: rows, dropout: true)
        let inputs = TestSupport.randomBuffer(rows * 6, seed: 5, scale: 2)
        workspace.input.base.update(from: inputs.base, count: rows * 6)
        let labels = [0, 2, 1, 1]
        for (i, label) in labels.enumerated() { workspace.labels[i] = Int32(label) }
        let dropout = Dropout([0.4], hiddenLayers: 2)
        dropout.fillMasks(workspace, rows: rows, firstRow: 0, seed: 1, step: 0)
        var masks: [[Double]] = []
        for row in 0..<rows {
            masks.append(workspace.dropoutMasks.flatMap { mask in (0..<mask.columns).map { Double(mask[row, $0]) } })
        }
        #expect(masks.joined().contains(0), "some activations are dropped")
        let engine = MatMul()
        let logits = model.forward(workspace, rows: rows, engine: engine, dropout: true)
        let loss = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: workspace.labels, gradient: workspace.logitGradient.prefix(rows: rows))
        model.backward(workspace, rows: rows, engine: engine, dropout: dropout)
        var reference = ReferenceMLP(sizes: configuration.layerSizes, activation: activation)
        reference.masks = masks
        let theta = model.pyTorchParameters.map(Double.init), x = inputs.array.map(Double.init)
        #expect(abs(reference.loss(parameters: theta, inputs: x, labels: labels) - loss) < 1e-5)
        let numeric = reference.numericGradient(parameters: theta, inputs: x, labels: labels)
        let gradients = model.pyTorchOrder(workspace.gradients)
        var worst = 0.0
        for i in theta.indices { worst = max(worst, abs(numeric[i] - Double(gradients[i])) / (1e-4 + abs(numeric[i]))) }
        #expect(worst < 1e-2, "\(activation): largest relative difference \(worst)")
    }

    @Test("dropout 0 trains bit for bit as no dropout")
    func zeroIsNone() throws {
        let dataset = SyntheticData.quadrants(count: 200)
        let split = DatasetSplit(train: Array(0..<160), validation: Array(160..<180), test: Array(180..<200))
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [12], classCount: 4)
        var training = TrainingConfiguration()
        training.epochs = 2
        training.batchSize = 16
        let plain = TrainingRun(dataset: dataset, split: split, model: model, configuration: training)
        training.dropout = [0]
        let zero = TrainingRun(dataset: dataset, split: split, model: model, configuration: training)
        try plain.train()
        try zero.train()
        #expect(plain.model.parameters.array == zero.model.parameters.array)
    }
}
