import MLPLab
import Testing

/// The memory reckoned before a training allocates (issue 8's check, issue 7's buffers).
struct MemoryBudgetTests {
    let model = ModelConfiguration(inputSize: 4800, hiddenSizes: [3600, 2400, 1200], classCount: 52)

    func bytes(momentum: Double = 0, precision: Precision = .float32, batch: Int = 64, validation: Bool = false) -> Double {
        var training = TrainingConfiguration()
        training.batchSize = batch
        training.optimizer = OptimizerConfiguration(learningRate: 0.01, momentum: momentum)
        training.precision = precision
        return MemoryBudget.trainingBytes(model: model, training: training, validation: validation)
    }

    @Test("each parameter-sized buffer counts once: weights and gradients, then momentum, then the best copy")
    func parameterBuffers() {
        let parameterBytes = 4 * Double(model.parameterCount)
        let plain = bytes()
        #expect(plain > 2 * parameterBytes && plain < 2 * parameterBytes + 60e6, "\(plain)")
        #expect(bytes(momentum: 0.9) - plain == parameterBytes)
        #expect(bytes(validation: true) - plain == parameterBytes)
        // Adam keeps two running means, three with AMSGrad (torch's exp_avg, exp_avg_sq, max_exp_avg_sq).
        for (optimizer, buffers) in [(OptimizerConfiguration.adam(), 2.0), (.adam(amsgrad: true, decoupled: true), 3.0)] {
            var training = TrainingConfiguration()
            training.optimizer = optimizer
            #expect(MemoryBudget.trainingBytes(model: model, training: training, validation: false) - plain == buffers * parameterBytes)
        }
    }

    @Test("bf16-emulated adds one rounded copy of the weights (and of the inputs); forward rows follow the evaluation batch")
    func copiesAndRows() {
        let weights = Double(model.parameterCount - (3600 + 2400 + 1200 + 52))
        let extra = bytes(precision: .bfloat16Emulated) - bytes()
        #expect(extra >= 4 * weights && extra < 4 * weights + 200e6, "\(extra)")
        // A training batch below the evaluation batch changes only the backward's buffers.
        let difference = bytes(batch: 128) - bytes(batch: 64)
        let backward: Double = 4 * 64 * (52 + 2 * 3600)
        let gram: Double = 4 * 2 * (128 * 128 - 64 * 64)
        #expect(difference == backward + gram, "\(difference)")
    }
}
