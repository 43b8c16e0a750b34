import ArgumentParser
import Foundation
import MLPLab

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an MLP with SGD and report loss and accuracy.",
        discussion: """
            Prints one line per epoch (mean training loss, validation accuracy, seconds), then the
            total time and train/test accuracy. Exit codes: 0 done, 1 error, 3 the loss became
            non-finite (a diagnosis says which setting to change), 64 bad options.

            Examples:
              mlplab train fashion-mnist --epochs 10
              mlplab train fashion-mnist --hidden 588,392,196 --lr 0.053 --momentum 0.5 --seed 1
              mlplab train fashion-mnist --no-normalize --epochs 2
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions
    @OptionGroup(title: "Model") var modelOptions: ModelOptions
    @OptionGroup(title: "Training") var trainingOptions: TrainingOptions

    @Flag(help: "Print one JSON object with the configuration and results on stdout (lines go to stderr).")
    var json = false

    func run() throws {
        let toStderr = json
        func say(_ line: String) {
            if toStderr { Terminal.error(line) } else { print(line) }
        }
        let dataset = try dataOptions.load(threads: trainingOptions.threads)
        let trainingConfiguration = trainingOptions.configuration
        let split = try DatasetSplit.make(for: dataset, testFraction: dataOptions.testFraction,
                                          validationFraction: dataOptions.validationFraction,
                                          trainLimit: dataOptions.subset, seed: trainingConfiguration.seed)
        let modelConfiguration = modelOptions.configuration(inputSize: dataset.featureCount, classCount: dataset.classCount)
        let run = TrainingRun(dataset: dataset, split: split, model: modelConfiguration, configuration: trainingConfiguration)

        say("data    \(dataset.name): \(split.train.count) train, \(split.validation.count) validation, \(split.test.count) test; \(dataset.imageWidth)×\(dataset.imageHeight), \(dataset.classCount) classes")
        say("model   \(modelConfiguration.shapeDescription), \(modelConfiguration.activation.rawValue), \(modelConfiguration.initialization.rawValue) init, \(Terminal.grouped(Double(modelConfiguration.parameterCount))) parameters")
        let sgd = trainingConfiguration.optimizer
        say("sgd     lr \(sgd.learningRate), momentum \(sgd.momentum)\(sgd.nesterov ? " (nesterov)" : ""), weight decay \(sgd.weightDecay), batch \(trainingConfiguration.batchSize), \(trainingConfiguration.epochs) epochs, seed \(trainingConfiguration.seed), inputs \(trainingConfiguration.inputScaling == .raw ? "raw 0…255" : "÷255")")
        say("engine  \(MatMul.engineVersion) (\(MatMul.instructionSet)), \(trainingConfiguration.threads) thread\(trainingConfiguration.threads == 1 ? "" : "s")")

        let progress = TrainingProgress(epochs: trainingConfiguration.epochs, batchSize: trainingConfiguration.batchSize)
        let epochs = trainingConfiguration.epochs
        run.train(onBatch: { progress.batch(epoch: $0, batch: $1, batchCount: $2) }, onEpoch: { metrics in
            Terminal.clearStatus()
            let validation = metrics.validationAccuracy.map { String(format: "  val acc %.4f", $0) } ?? ""
            let width = String(epochs).count
            say(String(format: "epoch %\(width)d/%d  loss %@%@  %.2f s", metrics.epoch, epochs, Terminal.number(metrics.loss), validation, metrics.seconds))
        })

        let train = run.accuracy(on: split.train)
        let validation = split.validation.isEmpty ? nil : run.history.last?.validationAccuracy
        let test = run.accuracy(on: split.test)
        say(String(format: "done    %.1f s training, %@ samples/s", run.trainingSeconds, Terminal.grouped(run.samplesPerSecond)))
        say(String(format: "        train acc %.4f  test acc %.4f", train, test))

        if json {
            let summary = TrainingSummary(run: run, data: dataOptions.configuration, trainAccuracy: train,
                                          validationAccuracy: validation, testAccuracy: test)
            print(try JSONOutput.string(summary))
        }
        if let divergence = run.divergence {
            Terminal.error("mlplab: the loss became \(Terminal.number(divergence.loss)) in epoch \(divergence.epoch), batch \(divergence.batch): \(divergence.diagnosis)")
            if !trainingConfiguration.continueOnNonFinite { throw ExitCode(3) }
        }
    }
}

/// JSON as MLPLab prints it: sorted keys, and non-finite numbers as strings ("nan"), since JSON
/// has no NaN and a diverged loss must stay visible.
enum JSONOutput {
    static func string<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
