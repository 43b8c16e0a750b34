import ArgumentParser
import Foundation
import MLPLab

struct LRFindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "Find a learning rate: one pass with the rate growing from 1e-5 to 1, loss against rate, and a suggestion.",
        discussion: """
            The rule: a tenth of the rate at the lowest smoothed loss (fastai's "minimum/10"). The chart goes to -o (default lr-find.svg).

            Examples:
              mlplab lr-find fashion-mnist
              mlplab lr-find products --momentum 0.9 -o lr.svg
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions
    @OptionGroup(title: "Model") var modelOptions: ModelOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Smallest rate.", valueName: "rate")) var start: Double = 1e-5
    @Option(parsing: .unconditional, help: ArgumentHelp("Largest rate.", valueName: "rate")) var end: Double = 1
    @Option(parsing: .unconditional, help: ArgumentHelp("Batches in the pass (default: one epoch, at most 400).", valueName: "n")) var steps: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("SGD momentum during the test.", valueName: "μ")) var momentum: Double = 0
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp("Batch size.", valueName: "n")) var batchSize: Int = 64
    @Option(parsing: .unconditional, help: ArgumentHelp("Seed.", valueName: "n")) var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: ArgumentHelp("Threads.", valueName: "n")) var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp("The chart to write.", valueName: "file")) var output: String = "lr-find.svg"

    func validate() throws {
        guard start > 0, end > start else { throw ValidationError("--start must be positive and below --end (got \(start), \(end)).") }
        guard momentum >= 0, momentum < 1 else { throw ValidationError("--momentum must be at least 0 and below 1 (got \(momentum)).") }
        guard batchSize >= 1, threads >= 1 else { throw ValidationError("--batch-size and --threads must be at least 1.") }
        if let steps, steps < 2 { throw ValidationError("--steps must be at least 2 (got \(steps)).") }
    }

    func run() throws {
        let dataset = try dataOptions.load(threads: threads)
        let split = try DatasetSplit.make(for: dataset, testFraction: dataOptions.testFraction, validationFraction: dataOptions.validationFraction,
                                          trainLimit: dataOptions.subset, seed: seed)
        var training = TrainingConfiguration()
        training.optimizer = SGDConfiguration(learningRate: start, momentum: momentum)
        training.batchSize = batchSize
        training.seed = seed
        training.threads = threads
        let model = modelOptions.configuration(inputSize: dataset.featureCount, classCount: dataset.classCount)
        try MemoryBudget.check(model: model, training: training, validation: false, otherBytes: dataset.pixels.count)
        let run = TrainingRun(dataset: dataset, split: split, model: model, configuration: training)
        let result = LearningRateFinder(start: start, end: end, steps: steps).run(run)
        var chart = LineChart(title: "loss against learning rate (one pass, rate growing exponentially)", xLabel: "learning rate",
                              yLabel: "smoothed training loss", series: [.init(name: "smoothed loss", values: result.smoothed)])
        chart.xTickLabel = { String(format: "%.0e", result.learningRates[$0]) }
        try AtomicFile.write(Data(chart.svg.utf8), to: output)
        print(String(format: "lowest smoothed loss %.4f at lr %.3g over %d batches", result.smoothed.filter(\.isFinite).min() ?? .nan,
                     result.minimumLossRate, result.losses.count))
        print(String(format: "suggested lr: %.3g (%@)", result.suggestion, LearningRateFinder.Result.rule))
        print("chart: \(output)")
    }
}
