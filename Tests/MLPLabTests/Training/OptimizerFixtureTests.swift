import Foundation
import MLPLab
import Testing

/// The optimizers against PyTorch: optimizers.json (written by scripts/make-optimizer-fixture.py
/// with torch) holds one set of initial weights, a batch, and the weights after 5 full-batch steps
/// of SGD with momentum, Nesterov and dampening, Adam, AdamW and AMSGrad. MLPLab's steps from the
/// same weights on the same batch must land on them to 1e-5 relative.
struct OptimizerFixtureTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var name: String
            var optimizer: [String: JSONNumberOrBool]
            var losses: [Double]
            var weights: [Float]
        }
        var sizes: [Int]
        var inputs: [Float]
        var labels: [Int32]
        var initial: [Float]
        var steps: Int
        var cases: [Case]
    }

    /// A JSON number or boolean, as the fixture's optimizer settings hold them.
    enum JSONNumberOrBool: Decodable {
        case number(Double), bool(Bool), text(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else { self = .text(try container.decode(String.self)) }
        }
    }

    static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "optimizers", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// The fixture's settings as MLPLab's configuration (keys as config.json spells them).
    static func configuration(_ settings: [String: JSONNumberOrBool]) throws -> OptimizerConfiguration {
        var configuration = OptimizerConfiguration()
        for (key, value) in settings {
            switch (key, value) {
            case ("algorithm", .text(let name)): configuration.algorithm = try #require(OptimizerAlgorithm(rawValue: name))
            case ("learning_rate", .number(let v)): configuration.learningRate = v
            case ("momentum", .number(let v)): configuration.momentum = v
            case ("dampening", .number(let v)): configuration.dampening = v
            case ("weight_decay", .number(let v)): configuration.weightDecay = v
            case ("nesterov", .bool(let v)): configuration.nesterov = v
            case ("beta1", .number(let v)): configuration.beta1 = v
            case ("beta2", .number(let v)): configuration.beta2 = v
            case ("eps", .number(let v)): configuration.eps = v
            case ("amsgrad", .bool(let v)): configuration.amsgrad = v
            default: Issue.record("unknown setting \(key)")
            }
        }
        try configuration.validate()
        return configuration
    }

    @Test("5 full-batch steps match torch.optim's weights to 1e-5 relative, and each step's loss", arguments: fixture.cases.map(\.name))
    func stepsMatchPyTorch(name: String) throws {
        let fixture = Self.fixture
        let example = try #require(fixture.cases.first { $0.name == name })
        let optimizerConfiguration = try Self.configuration(example.optimizer)
        let model = ModelConfiguration(inputSize: fixture.sizes[0], hiddenSizes: Array(fixture.sizes.dropFirst().dropLast()),
                                       classCount: fixture.sizes.last!, activation: .relu)
        for orientations in [[WeightOrientation.inOut, .inOut, .inOut], [.outIn, .inOut, .outIn]] {
            let mlp = MLP(configuration: model, orientations: orientations)
            mlp.load(pyTorchParameters: fixture.initial)
            let rows = fixture.labels.count
            let workspace = Workspace(configuration: model, capacity: rows)
            let engine = MatMul()
            let optimizer = Optimizer(configuration: optimizerConfiguration, parameterCount: model.parameterCount)
            var losses: [Double] = []
            for _ in 0..<fixture.steps {
                fixture.inputs.withUnsafeBufferPointer { workspace.input.base.update(from: $0.baseAddress!, count: $0.count) }
                for (row, label) in fixture.labels.enumerated() { workspace.labels[row] = label }
                let logits = mlp.forward(workspace, rows: rows, engine: engine)
                losses.append(SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: workspace.labels,
                                                                  gradient: workspace.logitGradient.prefix(rows: rows)))
                mlp.backward(workspace, rows: rows, engine: engine)
                optimizer.step(parameters: mlp.parameters, gradients: workspace.gradients, threads: 1)
            }
            let trained = mlp.pyTorchParameters
            var worst = 0.0
            for (mine, theirs) in zip(trained, example.weights) {
                worst = max(worst, Double(abs(mine - theirs)) / max(Double(abs(theirs)), 1e-3))
            }
            #expect(worst <= 1e-5, "\(name), \(orientations): largest relative difference \(worst)")
            for (mine, theirs) in zip(losses, example.losses) {
                #expect(abs(mine - theirs) <= 1e-6 * max(abs(theirs), 1), "\(name): loss \(mine) against torch's \(theirs)")
            }
        }
    }
}
