import MLPLab
import Testing

/// SGD against values worked out by hand from torch.optim.SGD's update rule, with θ₀ = 1, a
/// constant gradient of 1 and lr 0.1, over three steps.
struct SGDTests {
    static let cases: [(name: String, configuration: OptimizerConfiguration, expected: [Float])] = [
        // b: 1, 1.9, 2.71 → θ: 0.9, 0.71, 0.439
        ("momentum", OptimizerConfiguration(learningRate: 0.1, momentum: 0.9), [0.9, 0.71, 0.439]),
        // first step without dampening: b = 1; then b = 0.9·b + 0.5·g: 1.4, 1.76 → θ: 0.9, 0.76, 0.584
        ("dampening", OptimizerConfiguration(learningRate: 0.1, momentum: 0.9, dampening: 0.5), [0.9, 0.76, 0.584]),
        // b: 1, 1.9, 2.71; d = g + 0.9·b: 1.9, 2.71, 3.439 → θ: 0.81, 0.539, 0.1951
        ("nesterov", OptimizerConfiguration(learningRate: 0.1, momentum: 0.9, nesterov: true), [0.81, 0.539, 0.1951]),
        // g = 1 + 0.1·θ: 1.1, 1.089, 1.07811 → θ: 0.89, 0.7811, 0.673289
        ("weight decay", OptimizerConfiguration(learningRate: 0.1, weightDecay: 0.1), [0.89, 0.7811, 0.673289]),
        // g: 1.1, 1.089, 1.06821; b: 1.1, 2.079, 2.93931 → θ: 0.89, 0.6821, 0.388169
        ("weight decay and momentum", OptimizerConfiguration(learningRate: 0.1, momentum: 0.9, weightDecay: 0.1), [0.89, 0.6821, 0.388169]),
        // plain: θ: 0.9, 0.8, 0.7
        ("plain", OptimizerConfiguration(learningRate: 0.1), [0.9, 0.8, 0.7]),
    ]

    @Test("SGD steps match hand-computed torch.optim.SGD values", arguments: 0..<6)
    func sgdStepMatchesHandComputedValues(caseIndex: Int) {
        let (name, configuration, expected) = Self.cases[caseIndex]
        let parameters = FloatBuffer(count: 1), gradients = FloatBuffer(count: 1)
        parameters[0] = 1
        gradients[0] = 1
        let sgd = Optimizer(configuration: configuration, parameterCount: 1)
        for (step, value) in expected.enumerated() {
            sgd.step(parameters: parameters, gradients: gradients, threads: 1)
            #expect(abs(parameters[0] - value) < 1e-6, "\(name), step \(step + 1): \(parameters[0]) vs \(value)")
        }
    }

    @Test("a threaded update equals the single-threaded one bit for bit")
    func threadedUpdateIsIdentical() {
        let count = 300_001
        let gradients = TestSupport.randomBuffer(count, seed: 9)
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            let parameters = TestSupport.randomBuffer(count, seed: 8)
            let sgd = Optimizer(configuration: OptimizerConfiguration(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true),
                          parameterCount: count)
            for _ in 0..<3 { sgd.step(parameters: parameters, gradients: gradients, threads: threads) }
            results.append(parameters.array)
        }
        #expect(results[0] == results[1] && results[0] == results[2])
    }
}
