import MLPLab
import Testing

struct InitializationTests {
    @Test("torch init draws weights and biases from U(±1/√fanIn), filling the range")
    func torchInitStaysWithinBounds() {
        let model = MLP(configuration: ModelConfiguration(inputSize: 400, hiddenSizes: [100], classCount: 10))
        model.initialize(seed: 3)
        for layer in model.layers {
            let bound = Float(1 / Double(layer.inputSize).squareRoot())
            let weights = UnsafeBufferPointer(start: model.parameters.base + layer.offset, count: layer.weightCount)
            let biases = UnsafeBufferPointer(start: layer.bias(in: model.parameters), count: layer.outputSize)
            #expect(weights.allSatisfy { abs($0) <= bound })
            #expect(biases.allSatisfy { abs($0) <= bound })
            // 40,000 or 1,000 uniform draws come within 1 % of both ends, and average near 0.
            #expect(weights.max()! > 0.99 * bound && weights.min()! < -0.99 * bound)
            let mean = weights.reduce(0, +) / Float(weights.count)
            #expect(abs(mean) < 0.05 * bound)
        }
    }

    @Test("zero init sets every parameter to 0")
    func zeroInitIsAllZero() {
        let model = MLP(configuration: ModelConfiguration(inputSize: 30, hiddenSizes: [20], classCount: 4, initialization: .zero))
        model.initialize(seed: 1)
        #expect(model.parameters.array.allSatisfy { $0 == 0 })
    }

    @Test("xavier and kaiming use their bounds and zero biases", arguments: [Initialization.xavier, .kaiming])
    func scaledInitsUseTheirBounds(initialization: Initialization) {
        let model = MLP(configuration: ModelConfiguration(inputSize: 50, hiddenSizes: [30], classCount: 5, initialization: initialization))
        model.initialize(seed: 2)
        for layer in model.layers {
            let bound = initialization == .xavier
                ? Float((6 / Double(layer.inputSize + layer.outputSize)).squareRoot())
                : Float((6 / Double(layer.inputSize)).squareRoot())
            let weights = UnsafeBufferPointer(start: model.parameters.base + layer.offset, count: layer.weightCount)
            #expect(weights.allSatisfy { abs($0) <= bound } && weights.max()! > 0.9 * bound)
            #expect(UnsafeBufferPointer(start: layer.bias(in: model.parameters), count: layer.outputSize).allSatisfy { $0 == 0 })
        }
    }

    @Test("the same seed gives the same parameters; another seed other ones")
    func initIsSeeded() {
        let configuration = ModelConfiguration(inputSize: 20, hiddenSizes: [10], classCount: 3)
        let a = MLP(configuration: configuration), b = MLP(configuration: configuration), c = MLP(configuration: configuration)
        a.initialize(seed: 5); b.initialize(seed: 5); c.initialize(seed: 6)
        #expect(a.parameters.array == b.parameters.array)
        #expect(a.parameters.array != c.parameters.array)
    }
}
