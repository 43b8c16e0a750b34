import Foundation
import MLPLab
import Testing

struct LearningRateScheduleTests {
    @Test("constant, step and cosine give the rates their definitions say")
    func schedules() {
        #expect((1...4).map { LearningRateSchedule.constant.learningRate(base: 0.1, epoch: $0, epochs: 4) } == [0.1, 0.1, 0.1, 0.1])
        let step = (1...8).map { LearningRateSchedule.step.learningRate(base: 1, epoch: $0, epochs: 8) }
        #expect(step == [1, 1, 1, 1, 0.1, 0.1, 0.01, 0.01])
        let cosine = (1...4).map { LearningRateSchedule.cosine.learningRate(base: 1, epoch: $0, epochs: 4) }
        // ½(1 + cos(π·k/4)) for k = 0…3: 1, 0.8536, 0.5, 0.1464 (PyTorch's CosineAnnealingLR, T_max 4).
        #expect(zip(cosine, [1, 0.853553, 0.5, 0.146447]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test("a cosine run records the scheduled rate in each epoch's metrics")
    func cosineRunRecordsRates() throws {
        var configuration = TrainingConfiguration()
        configuration.epochs = 3
        configuration.schedule = .cosine
        configuration.optimizer = OptimizerConfiguration(learningRate: 0.2)
        let dataset = SyntheticData.quadrants()
        let split = try DatasetSplit.make(for: dataset, testFraction: 0.2, validationFraction: 0.1, seed: 1)
        let run = TrainingRun(dataset: dataset, split: split, model: ModelConfiguration(inputSize: 64, hiddenSizes: [8], classCount: 4),
                              configuration: configuration)
        try run.train()
        #expect(zip(run.history.map(\.learningRate), [0.2, 0.15, 0.05]).allSatisfy { abs($0 - $1) < 1e-9 })
    }
}
