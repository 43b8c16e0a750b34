import Foundation
import MLPLab
import Testing

/// The optimizer's pass: threads, Adam's state, its configuration in config.json, its
/// checkpoints. Its numbers are checked against PyTorch in OptimizerFixtureTests.
@Suite(.serialized)
struct OptimizerTests {
    @Test("a threaded update equals the single-threaded one bit for bit, for SGD and Adam",
          arguments: [OptimizerConfiguration(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true),
                      .adam(weightDecay: 1e-3, amsgrad: true), .adam(decoupled: true)])
    func threadedUpdateIsIdentical(configuration: OptimizerConfiguration) {
        let count = 300_001
        let gradients = TestSupport.randomBuffer(count, seed: 9)
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            let parameters = TestSupport.randomBuffer(count, seed: 8)
            let optimizer = Optimizer(configuration: configuration, parameterCount: count)
            for _ in 0..<3 { optimizer.step(parameters: parameters, gradients: gradients, threads: threads) }
            results.append(parameters.array)
        }
        #expect(results[0] == results[1] && results[0] == results[2])
    }

    @Test("an SGD configuration reads and writes config.json as before Adam; Adam's keeps its settings; Adam's keys in an SGD record are refused")
    func configurationFile() throws {
        let sgd = try JSONCoding.string(OptimizerConfiguration(learningRate: 0.05, momentum: 0.9), pretty: false)
        #expect(sgd == #"{"dampening":0,"learning_rate":0.05,"momentum":0.9,"nesterov":false,"weight_decay":0}"#, "\(sgd)")
        let adamW = OptimizerConfiguration.adam(learningRate: 0.002, beta2: 0.99, amsgrad: true, decoupled: true)
        #expect(adamW.weightDecay == 0.01, "torch.optim.AdamW's default weight decay")
        let text = try JSONCoding.string(adamW, pretty: false)
        #expect(text.contains(#""algorithm":"adamw""#) && text.contains(#""beta2":0.99"#) && text.contains(#""amsgrad":true"#), "\(text)")
        #expect(try JSONCoding.decode(OptimizerConfiguration.self, from: Data(text.utf8)) == adamW)
        let mixed = Data(#"{"dampening":0,"learning_rate":0.05,"momentum":0.9,"nesterov":false,"weight_decay":0,"beta1":0.5}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONCoding.decode(OptimizerConfiguration.self, from: mixed) }
        // The checks, as torch.optim's constructors make them, and SGD's and Adam's settings kept apart.
        var adam = OptimizerConfiguration.adam()
        adam.momentum = 0.9
        #expect(throws: ConfigurationError.self) { try adam.validate() }
        for (beta1, beta2, eps) in [(1.0, 0.999, 1e-8), (0.9, -0.1, 1e-8), (0.9, 0.999, 0.0), (0.9, 0.999, Double.infinity)] {
            #expect(throws: ConfigurationError.self) { try OptimizerConfiguration.adam(beta1: beta1, beta2: beta2, eps: eps).validate() }
        }
        var sgdWithBeta = OptimizerConfiguration()
        sgdWithBeta.beta1 = 0.5
        #expect(throws: ConfigurationError.self) { try sgdWithBeta.validate() }
        #expect(OptimizerConfiguration.adam(amsgrad: true).stateBufferNames == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
        #expect(OptimizerConfiguration(momentum: 0.9).stateBufferNames == ["momentum"] && OptimizerConfiguration().stateBufferNames.isEmpty)
    }

    static func record(_ optimizer: OptimizerConfiguration) -> RunRecord {
        var data = DataConfiguration()
        data.source = "quadrants"
        var training = TrainingConfiguration()
        training.epochs = 3
        training.batchSize = 16
        training.optimizer = optimizer
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [24], classCount: 4)
        return RunRecord(data: data, dataset: dataset, model: model, training: training)
    }

    static let dataset = SyntheticData.quadrants(count: 400)

    @Test("Adam's running means are kept in the checkpoint: cancelled and run again, a training continues to the same model, bit for bit",
          arguments: [OptimizerConfiguration.adam(learningRate: 0.01), .adam(learningRate: 0.01, amsgrad: true, decoupled: true)])
    func adamResumes(optimizer: OptimizerConfiguration) async throws {
        let root = try TestSupport.temporaryDirectory().path
        let record = Self.record(optimizer), dataset = Self.dataset
        let whole = try Training.run(record, on: dataset, in: try RunFolder(path: root + "/whole"))
        #expect(whole.testAccuracy > 0.8, "Adam learned the quadrants (test accuracy \(whole.testAccuracy))")
        let task = Task {
            try Training.run(record, on: dataset, in: try RunFolder(path: root + "/cut")) { event in
                if case let .epoch(metrics) = event, metrics.epoch == 1 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        let checkpoint = try TrainingCheckpoint(contentsOf: root + "/cut/checkpoint.safetensors", configuration: record.model,
                                                optimizer: optimizer)
        #expect(Set(checkpoint.optimizerState.keys) == Set(optimizer.stateBufferNames))
        #expect(checkpoint.optimizerState["exp_avg_sq"]?.contains { $0 > 0 } == true, "the second moment is stored, not zeros")
        // Read as SGD's, the same file is refused: its tensors are another optimizer's.
        #expect(throws: CheckpointError.self) {
            try TrainingCheckpoint(contentsOf: root + "/cut/checkpoint.safetensors", configuration: record.model, hasMomentum: true)
        }
        let resumed = try Training.run(record, on: dataset, in: try RunFolder(path: root + "/cut"))
        #expect(resumed.epochs.map(\.loss) == whole.epochs.map(\.loss))
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/whole/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: root + "/cut/model.safetensors"))
        #expect(a == b, "the resumed model differs from the uninterrupted one")
    }
}
