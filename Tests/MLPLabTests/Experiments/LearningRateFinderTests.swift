import Foundation
import MLPLab
import Testing

struct LearningRateFinderTests {
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
