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
        configuration.optimizer = SGDConfiguration(learningRate: 0.2)
        let dataset = SyntheticData.quadrants()
        let split = try DatasetSplit.make(for: dataset, testFraction: 0.2, validationFraction: 0.1, seed: 1)
        let run = TrainingRun(dataset: dataset, split: split, model: ModelConfiguration(inputSize: 64, hiddenSizes: [8], classCount: 4),
                              configuration: configuration)
        try run.train()
        #expect(zip(run.history.map(\.learningRate), [0.2, 0.15, 0.05]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test("the learning-rate finder sweeps exponentially and suggests a tenth of the best rate", .enabled(if: TestSupport.fashionMNISTAvailable))
    func learningRateFinder() throws {
        let dataset = try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(nil))
        let split = try DatasetSplit.make(for: dataset, testFraction: 0.2, validationFraction: 0, trainLimit: 4000, seed: 1)
        var configuration = TrainingConfiguration()
        configuration.batchSize = 16
        let run = TrainingRun(dataset: dataset, split: split, model: ModelConfiguration(inputSize: 784, hiddenSizes: [64], classCount: 10),
                              configuration: configuration)
        let result = try LearningRateFinder(start: 1e-4, end: 100, steps: 200).run(run)
        #expect(result.learningRates.first == 1e-4)
        // Each rate is the previous one times the same factor (10⁶ over 199 steps).
        let ratio = result.learningRates[1] / result.learningRates[0]
        #expect(abs(ratio - pow(1e6, 1.0 / 199)) < 1e-9)
        #expect(result.suggestion == result.minimumLossRate / 10)
        // The loss turned: the finder stopped after the minimum, before the end of the range.
        #expect(result.minimumLossRate > 1e-3 && result.minimumLossRate < result.learningRates.last!)
        // Rates up to 100 blow the loss up: the pass stops early, on its rule (non-finite, or 4×
        // the lowest smoothed loss), not at the end of the range.
        #expect(result.learningRates.count < 200, "ran all \(result.learningRates.count) steps")
        let last = try #require(result.smoothed.last), lowest = try #require(result.smoothed.filter(\.isFinite).min())
        #expect(!last.isFinite || last > 4 * lowest, "stopped at smoothed loss \(last), lowest \(lowest)")
    }
}
