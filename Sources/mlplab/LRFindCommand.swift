import ArgumentParser
import Foundation
import MLPLab

struct LRFindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "Find a learning rate: one pass with the rate growing from 1e-5 to 1, loss against rate, and a suggestion.",
        discussion: """
            The rule: a tenth of the rate at the lowest smoothed loss (fastai's "minimum/10"). The chart goes to -o (default lr-find.svg).

            Examples:
              mlplab lr-find fashion-mnist
              mlplab lr-find products --momentum 0.9 -o lr.svg
              mlplab lr-find fashion-mnist --optimizer adam
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions
    @OptionGroup(title: "Model") var modelOptions: ModelOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Smallest rate.", valueName: "rate")) var start: Double = 1e-5
    @Option(parsing: .unconditional, help: ArgumentHelp("Largest rate.", valueName: "rate")) var end: Double = 1
    @Option(parsing: .unconditional, help: ArgumentHelp("Batches in the pass (default: one epoch, at most 400).", valueName: "n")) var steps: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("sgd, adam or adamw (torch.optim's, with its defaults).", valueName: "name"))
    var optimizer: OptimizerAlgorithm = .sgd
    @Option(parsing: .unconditional, help: ArgumentHelp("SGD momentum during the test.", valueName: "μ")) var momentum: Double = 0
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp("Batch size.", valueName: "n")) var batchSize: Int = 64
    @OptionGroup(title: "Regularization") var regularization: RegularizationOptions
    @OptionGroup(title: "Runs") var runOptions: RunOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("The chart to write.", valueName: "file")) var output: String = "lr-find.svg"

    var training: TrainingConfiguration {
        var training = regularization.configuration(base: runOptions.configuration())
        training.optimizer = optimizer == .sgd ? OptimizerConfiguration(learningRate: start, momentum: momentum)
                                               : .adam(learningRate: start, decoupled: optimizer == .adamw)
        training.optimizer.momentum = momentum  // refused for Adam by validate(), never dropped
        training.batchSize = batchSize
        return training
    }

    var finder: LearningRateFinder { LearningRateFinder(start: start, end: end, steps: steps) }

    func validate() throws {
        try regularization.check(hiddenLayers: modelOptions.widths.hiddenLayerCount)
        try checked {
            try finder.validate()
            try training.validate()
        }
    }

    func run() async throws {
        try AtomicFile.checkTarget(output)  // before the pass, not after it
        let training = training
        let dataset = try dataOptions.load(threads: training.threads)
        let model = modelOptions.configuration(inputSize: dataset.featureCount, classCount: dataset.classCount)
        let result: LearningRateFinder.Result
        do {
            result = try await Interrupt.cancellingOnSignal(first: Interrupt.announce) { try finder.run(on: dataset, data: dataOptions.configuration(), model: model, training: training) }
        } catch is CancellationError {
            throw ExitCode(130)
        } catch let error as ConfigurationError {
            // A rule that needs the data (batches per epoch): a usage error, said after the load.
            Terminal.note("Error: \(error)")
            throw ExitCode.validationFailure
        }
        try AtomicFile.write(Data(result.chart.svg.utf8), to: output)
        print(String(format: "lowest smoothed loss %.4f at lr %.3g over %ld batches", result.lowestLoss,
                     result.minimumLossRate, result.losses.count))
        print(String(format: "suggested lr: %.3g (%@)", result.suggestion, LearningRateFinder.Result.rule))
        print("chart: \(output)")
    }
}
