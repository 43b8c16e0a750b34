import Foundation
import MLPLab
import Testing

struct ValueListTests {
    @Test("lists and ranges parse to the values they describe")
    func parsesListsAndRanges() throws {
        #expect(try ValueList.parse("0.001,0.002, 0.004") == [0.001, 0.002, 0.004])
        #expect(try ValueList.parse("0.001:0.128:x2").map { ($0 * 1000).rounded() } == [1, 2, 4, 8, 16, 32, 64, 128])
        #expect(try ValueList.parse("0.032:0.064:+0.004") == [0.032, 0.036, 0.04, 0.044, 0.048, 0.052, 0.056, 0.06, 0.064])
        #expect(try ValueList.parse("32:128:×2") == [32, 64, 128])
        // Near the largest doubles the 12-decimal rounding would overflow: the values stay finite.
        #expect(try ValueList.parse("1e300:1e300:+1") == [1e300])
        #expect(try ValueList.parse("0:999:+1").count == 1000)
    }

    @Test("ranges of more than 1,000 values, or with a step that cannot move the value, are refused with the reason",
          arguments: [("0:1000:+1", "more than 1000 values"), ("1e300:2e300:+1", "step is too small"), ("1e-300:1e300:x1.01", "more than 1000 values")])
    func refusesUnusableRanges(text: String, reason: String) {
        #expect { try ValueList.parse(text) } throws: { error in
            (error as? ValueList.ParseError)?.description.contains(reason) == true
        }
    }

    @Test("malformed lists and ranges are refused with the accepted forms", arguments: ["", "a,b", "0.1:0.2", "0.1:0.2:x1", "0.2:0.1:+0.01", "1:2:?3", "0.1,,0.2"])
    func refusesMalformed(text: String) {
        #expect(throws: ValueList.ParseError.self) { try ValueList.parse(text) }
    }
}

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

@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable))
struct SweepCLITests {
    @Test("a sweep over a range trains each value once, prints a table, and reuses on a second run")
    func sweepRange() throws {
        let output = try TestSupport.temporaryDirectory().path + "/sweep"
        let arguments = ["sweep", "fashion-mnist", "--lr", "0.01:0.04:x2", "--momentum", "0,0.9", "--epochs", "2", "--subset", "500",
                         "--hidden", "16", "-o", output]
        let first = try Tool.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("(6 trained, 0 reused)"), "\(first.stdout)")
        #expect(first.stdout.contains("lr 0.04 momentum 0.9"))
        for file in ["sweep.md", "loss.svg", "accuracy.svg"] { #expect(FileManager.default.fileExists(atPath: output + "/" + file)) }
        let second = try Tool.run(arguments)
        #expect(second.stdout.contains("(0 trained, 6 reused)"), "\(second.stdout)")
        let bad = try Tool.run(["sweep", "--lr", "0.1:0.01:x2"])
        #expect(bad.status == 64 && bad.stderr.contains("--lr"), "\(bad.stderr)")
    }
}

struct StudyGridTests {
    @Test("the assignment preset's finer grid is the assignment's: 0.052 … 0.060 around 0.056")
    func assignmentFinerGrid() {
        let fine = [0.032, 0.036, 0.04, 0.044, 0.048, 0.052, 0.056, 0.06, 0.064]
        #expect(Study.finerGrid(around: 0.056, grid: fine, points: 9) == [0.052, 0.053, 0.054, 0.055, 0.056, 0.057, 0.058, 0.059, 0.06])
        #expect(Study.finerGrid(around: 0.096, grid: [0.08, 0.096, 0.112], points: 2) == [0.088, 0.104])
    }
}
