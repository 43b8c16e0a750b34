import Foundation
import MLPLab
import Testing

/// The two parameter orders (MLP+Layout.swift): training buffers store each weight in its
/// orientation ([in, out] or [out, in]), files and `pyTorchParameters` [out, in]. Every
/// conversion at the edges, bit for bit, in every orientation.
struct LayoutTests {
    @Test("a transpose in tiles equals the naive one, for shapes around the tile size", arguments: [(1, 1), (1, 70), (70, 1), (31, 33), (64, 65), (37, 53)])
    func transpose(rows: Int, columns: Int) {
        let source = TestSupport.randomBuffer(rows * columns, seed: 4)
        let matrix = Matrix(source.base, rows: rows, columns: columns)
        let full = FloatBuffer(count: rows * columns)
        matrix.transposed(columns: 0..<columns, into: full.base)
        for r in 0..<rows { for c in 0..<columns { #expect(full[c * rows + r] == matrix[r, c]) } }
        // A middle range of columns: those rows of the transpose only.
        if columns > 2 {
            let part = FloatBuffer(count: rows * columns)
            matrix.transposed(columns: 1..<(columns - 1), into: part.base)
            #expect(Array(part.buffer.prefix((columns - 2) * rows)) == Array(full.buffer[rows..<((columns - 1) * rows)]))
        }
    }

    static let orientationSets: [[WeightOrientation]] = [[.inOut, .inOut, .inOut], [.outIn, .outIn, .outIn], [.inOut, .outIn, .inOut]]

    @Test("PyTorch's order and back gives the same bits; a weight element (o, i) sits at i·out + o [in, out] or o·in + i [out, in], biases stay",
          arguments: orientationSets)
    func roundTrip(orientations: [WeightOrientation]) {
        let configuration = ModelConfiguration(inputSize: 7, hiddenSizes: [5, 3], classCount: 2)
        let model = MLP(configuration: configuration, orientations: orientations)
        model.initialize(seed: 11)
        let pyTorch = model.pyTorchParameters
        for layer in model.layers {
            for output in 0..<layer.outputSize {
                for input in 0..<layer.inputSize {
                    let stored = layer.orientation == .inOut ? input * layer.outputSize + output : output * layer.inputSize + input
                    #expect(pyTorch[layer.offset + output * layer.inputSize + input] == model.parameters[layer.offset + stored])
                }
            }
            #expect(Array(pyTorch[layer.biasRange]) == Array(model.parameters.buffer[layer.biasRange]))
        }
        let copy = MLP(configuration: configuration, orientations: orientations)
        copy.load(pyTorchParameters: pyTorch)
        #expect(copy.parameters.array == model.parameters.array)
        // Initialization draws in PyTorch's order whatever the storage: the same model in files.
        let standard = MLP(configuration: configuration)
        standard.initialize(seed: 11)
        #expect(standard.pyTorchParameters == pyTorch)
    }

    @Test("initialization draws in PyTorch's order: the file of a fresh model is the same whatever the storage")
    func initializationOrder() {
        // The first weight PyTorch draws is layer1.weight[0, 0], then [0, 1]: row by row of [out, in].
        let configuration = ModelConfiguration(inputSize: 3, hiddenSizes: [2], classCount: 2)
        let model = MLP(configuration: configuration)
        model.initialize(seed: 5)
        var generator = RandomGenerator(seed: 5, stream: .initialization)
        let (bound, _) = configuration.initialization.bounds(inputSize: 3, outputSize: 2)
        let expected = (0..<6).map { _ in generator.nextFloat(in: -bound, bound) }
        #expect(Array(model.pyTorchParameters.prefix(6)) == expected)
    }

    @Test("a tensor stored transposed is written as its transpose, across the writer's 16 MB pieces")
    func transposedTensorWriting() throws {
        // 2,100 × 2,000 floats = 16.8 MB: two pieces of rows.
        let rows = 2100, columns = 2000
        let stored = TestSupport.randomBuffer(rows * columns, seed: 8)  // [columns, rows] of the tensor
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("t.safetensors").path
        try SafeTensors.write(metadata: [:], tensors: [
            SafeTensors.TensorView(name: "w", shape: [rows, columns], values: UnsafeBufferPointer(stored.buffer), storedTransposed: true),
            SafeTensors.TensorView(name: "b", shape: [3], values: UnsafeBufferPointer(rebasing: stored.buffer[0..<3])),
        ], to: path)
        let file = try SafeTensors(contentsOf: path)
        let w = try #require(file["w"])
        #expect(w.shape == [rows, columns])
        let expected = FloatBuffer(count: rows * columns)
        Matrix(stored.base, rows: columns, columns: rows).transposed(columns: 0..<rows, into: expected.base)
        #expect(w.values == expected.array)
        #expect(file["b"]?.values == Array(stored.buffer[0..<3]))
    }

    @Test("a training's checkpoint and model file hold PyTorch's order; resuming restores the training buffers bit for bit",
          arguments: [WeightOrientation.inOut, .outIn])
    func checkpointEdges(orientation: WeightOrientation) throws {
        let dataset = SyntheticData.quadrants(count: 300, seed: 2)
        let split = DatasetSplit(train: Array(0..<200), validation: Array(200..<250), test: Array(250..<300))
        var training = TrainingConfiguration()
        training.epochs = 2
        training.batchSize = 16
        training.optimizer = OptimizerConfiguration(learningRate: 0.1, momentum: 0.9)
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [5], classCount: 4)
        let plan = ComputePlan.uniform(orientation, layers: 2)
        let run = TrainingRun(dataset: dataset, split: split, model: model, configuration: training, compute: plan)
        try run.train()
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.safetensors").path
        try TrainingCheckpoint.write(run, to: path)
        let checkpoint = try TrainingCheckpoint(contentsOf: path, configuration: model, hasMomentum: true)
        #expect(checkpoint.parameters == run.model.pyTorchParameters)
        #expect(checkpoint.momentum == run.model.pyTorchOrder(run.optimizer.momentumBuffer))
        #expect(TrainingCheckpoint(run: run).parameters == checkpoint.parameters, "in memory as in the file")
        let resumed = TrainingRun(dataset: dataset, split: split, model: model, configuration: training, compute: plan)
        resumed.restore(checkpoint)
        #expect(resumed.model.parameters.array == run.model.parameters.array)
        #expect(resumed.optimizer.momentumBuffer.array == run.optimizer.momentumBuffer.array)
        #expect(resumed.bestParameters?.array == run.bestParameters?.array)
        // The file does not depend on the orientation: the other one reads it to the same model.
        let other = TrainingRun(dataset: dataset, split: split, model: model, configuration: training,
                                compute: ComputePlan.uniform(orientation == .inOut ? .outIn : .inOut, layers: 2))
        other.restore(checkpoint)
        #expect(other.model.pyTorchParameters == run.model.pyTorchParameters)
        #expect(other.model.pyTorchOrder(other.optimizer.momentumBuffer) == checkpoint.momentum)
    }

    @Test("three SGD steps on the training buffers equal three steps of a Double reference in PyTorch's order, to rounding",
          arguments: orientationSets)
    func stepsMatchTheReference(orientations: [WeightOrientation]) {
        let configuration = ModelConfiguration(inputSize: 6, hiddenSizes: [5, 4], classCount: 3, activation: .tanh, initialization: .torch)
        let model = MLP(configuration: configuration, orientations: orientations)
        model.initialize(seed: 13)
        let rows = 4, lr = 0.1
        let inputs = TestSupport.randomBuffer(rows * 6, seed: 17, scale: 1)
        let labels = [2, 0, 1, 2]
        let workspace = Workspace(configuration: configuration, capacity: rows)
        let engine = MatMul()
        let sgd = Optimizer(configuration: OptimizerConfiguration(learningRate: lr), parameterCount: configuration.parameterCount)
        let reference = ReferenceMLP(sizes: configuration.layerSizes, activation: .tanh)
        var theta = model.pyTorchParameters.map(Double.init)
        let x = inputs.array.map(Double.init)
        for _ in 0..<3 {
            workspace.input.base.update(from: inputs.base, count: rows * 6)
            for (row, label) in labels.enumerated() { workspace.labels[row] = Int32(label) }
            let logits = model.forward(workspace, rows: rows, engine: engine)
            _ = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: workspace.labels, gradient: workspace.logitGradient.prefix(rows: rows))
            model.backward(workspace, rows: rows, engine: engine)
            sgd.step(parameters: model.parameters, gradients: workspace.gradients, threads: 1)
            // The reference: central differences in Double, PyTorch's order.
            let gradient = reference.numericGradient(parameters: theta, inputs: x, labels: labels)
            for i in theta.indices { theta[i] -= lr * gradient[i] }
        }
        let trained = model.pyTorchParameters.map(Double.init)
        let worst = zip(trained, theta).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "largest difference after 3 steps: \(worst)")
    }

    @Test("a model file holding PyTorch's order predicts and evaluates as a Double forward in that order")
    func predictAndEvaluateEdges() throws {
        let dataset = SyntheticData.quadrants(count: 40, seed: 5)
        let configuration = ModelConfiguration(inputSize: 64, hiddenSizes: [7, 5], classCount: 4, activation: .relu)
        // Parameters chosen in PyTorch's order, as a torch state_dict would hold them.
        var generator = RandomGenerator(seed: 21, stream: .samples)
        let pyTorch = (0..<configuration.parameterCount).map { _ in Float(Double(generator.next() % 2001) / 1000 - 1) * 0.2 }
        let model = MLP(configuration: configuration)
        model.load(pyTorchParameters: pyTorch)
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("model.safetensors").path
        try ModelFile(dataset: dataset, model: model, scaling: .unitRange).write(to: path)

        let classifier = try Classifier(contentsOf: path, threads: 1)
        let reference = ReferenceMLP(sizes: configuration.layerSizes, activation: .relu)
        let theta = pyTorch.map(Double.init)
        let logits = classifier.logits(pixels: dataset.pixels)
        var expected: [[Double]] = []
        for row in 0..<dataset.count {
            let x = dataset.pixels[(row * 64)..<((row + 1) * 64)].map { Double($0) / 255 }
            expected.append(reference.logits(parameters: theta, input: x[...]))
            for c in 0..<4 {
                #expect(abs(Double(logits[row * 4 + c]) - expected[row][c]) < 1e-5, "row \(row), class \(c)")
            }
        }
        let evaluation = try classifier.evaluate(Array(0..<dataset.count), of: dataset)
        let correct = expected.enumerated().filter { row, z in z.firstIndex(of: z.max()!)! == Int(dataset.labels[row]) }.count
        #expect(evaluation.correct.reduce(0, +) == correct)
    }
}
