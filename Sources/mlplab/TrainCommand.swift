import ArgumentParser
import Foundation
import MLPLab

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an MLP with SGD; keep the model, metrics, charts and a checkpoint in a run folder.",
        discussion: """
            Prints one line per epoch (mean training loss, running train accuracy, validation accuracy, seconds), then train and test accuracy. Everything goes to runs/<name>/: config.json, metrics.jsonl, checkpoint.safetensors (after every epoch), model.safetensors (best on validation), last.safetensors, loss.svg, per-class.svg, confusion.svg, summary.md, result.json. Ctrl-C stops at a safe point; --resume continues, giving the same model as an uninterrupted run.

            Exit codes: 0 done, 1 error, 3 diverged: the loss became non-finite, or exploded and left the model no better than guessing (a diagnosis says which setting to change), 64 bad options, 130 interrupted (resumable).

            Examples:
              mlplab train fashion-mnist --epochs 10
              mlplab train fashion-mnist --hidden 588,392,196 --lr 0.053 --momentum 0.5 --name lr0.053
              mlplab train --resume runs/lr0.053
              mlplab train fashion-mnist --no-normalize --epochs 2 --seed 2
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions
    @OptionGroup(title: "Model") var modelOptions: ModelOptions
    @OptionGroup(title: "Training") var trainingOptions: TrainingOptions

    @Option(name: .customLong("run-dir"), parsing: .unconditional, help: ArgumentHelp("Folder that holds run folders.", valueName: "folder"))
    var runDirectory: String = "runs"

    @Option(parsing: .unconditional, help: ArgumentHelp("Name of this run's folder (default: the date and time).", valueName: "name"))
    var name: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Continue the run in this folder from its last checkpoint. Other options may be left out; any given must match the run's.", valueName: "run folder"))
    var resume: String?

    @Flag(help: "Print one JSON object with the configuration and results on stdout (lines go to stderr).")
    var json = false

    func validate() throws {
        if let name, name.isEmpty || name.contains("/") || name.hasPrefix(".") {
            throw ValidationError("--name must be a plain folder name without '/' and not starting with '.' (got '\(name)').")
        }
        if resume != nil && name != nil {
            throw ValidationError("--resume continues an existing run folder; leave out --name.")
        }
    }

    /// Options that change what is trained, as typed on the command line (to tell, on resume,
    /// whether the user repeated the configuration or left it to the run folder).
    static let configurationOptions: Set<String> = [
        "--hidden", "--activation", "--init", "--lr", "--momentum", "--weight-decay", "--dampening", "--nesterov",
        "--batch-size", "--epochs", "--seed", "--threads", "--no-normalize", "--continue-on-nan", "--patience", "--schedule", "--precision",
        "--val", "--test", "--subset", "--data-dir", "--resize", "--skip-unreadable", "--max-pixels", "--max-files", "--max-decoded-bytes",
    ]

    func run() throws {
        let toStderr = json
        func say(_ line: String) {
            if toStderr { Terminal.error(line) } else { print(line) }
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        // A file-size limit (or quota) must give an error from write(), not kill the process.
        signal(SIGXFSZ, SIG_IGN)

        // The run folder, the record of what is trained, and the data.
        let folder: RunFolder
        let record: RunRecord
        let dataset: Dataset
        if let resume {
            guard FileManager.default.fileExists(atPath: resume + "/config.json") else { throw CheckpointError.notARun(path: resume) }
            folder = try RunFolder(path: resume)
            let stored = try folder.readRecord()
            let repeated = arguments.contains { Self.configurationOptions.contains(String($0.split(separator: "=")[0])) }
                || arguments.contains(dataOptions.data)
            let dataConfiguration = repeated ? dataOptions.configuration : stored.data
            dataset = try DataOptions.load(dataConfiguration, threads: repeated ? trainingOptions.threads : stored.training.threads,
                                           cache: dataOptions.cache)
            let current = RunRecord(command: stored.command, data: dataConfiguration, dataset: dataset,
                                    model: repeated ? modelOptions.configuration(inputSize: dataset.featureCount, classCount: dataset.classCount) : stored.model,
                                    training: repeated ? trainingOptions.configuration : stored.training)
            if let difference = stored.firstDifference(from: current) {
                throw CheckpointError.configurationDiffers(path: resume, field: difference.field, stored: difference.stored, given: difference.given)
            }
            guard folder.finishedOutcome(for: stored) == nil else { throw CheckpointError.alreadyFinished(path: folder.path) }
            record = stored
        } else {
            let trainingConfiguration = trainingOptions.configuration
            let runName = name ?? RunFolder.newName(in: runDirectory)
            let path = runDirectory + "/" + runName
            // Where the run goes, checked before the data: a --run-dir that cannot be written, or a
            // name already taken, is said at once, not after the load (minutes for a large folder).
            let taken = CheckpointError.cannotWrite(path: path, reason: "it already holds a run; continue it with 'mlplab train --resume \(path)' or choose another --name")
            if FileManager.default.fileExists(atPath: path + "/config.json") { throw taken }
            try RunFolder.checkCanCreate(path)
            dataset = try dataOptions.load(threads: trainingConfiguration.threads)
            folder = try RunFolder(path: path)
            if folder.hasRun { throw taken }
            record = RunRecord(command: ["mlplab"] + arguments, data: dataOptions.configuration, dataset: dataset,
                               model: modelOptions.configuration(inputSize: dataset.featureCount, classCount: dataset.classCount),
                               training: trainingConfiguration)
        }

        // A failure before the run's first file (a model too large) leaves no empty folder behind.
        defer { folder.discardIfUnstarted() }
        let trainingConfiguration = record.training, modelConfiguration = record.model
        Interrupt.install()
        let progress = TrainingProgress(epochs: trainingConfiguration.epochs, batchSize: trainingConfiguration.batchSize)
        let epochs = trainingConfiguration.epochs
        var trainedRun: TrainingRun?
        let outcome = try folder.execute(record: record, dataset: dataset, onStart: { run, checkpoint in
            trainedRun = run
            let split = run.split
            say("data    \(dataset.name): \(split.train.count) train, \(split.validation.count) validation, \(split.test.count) test; \(dataset.imageWidth)×\(dataset.imageHeight), \(dataset.classCount) classes")
            say("model   \(modelConfiguration.shapeDescription), \(modelConfiguration.activation.rawValue), \(modelConfiguration.initialization.rawValue) init, \(Terminal.grouped(Double(modelConfiguration.parameterCount))) parameters")
            let sgd = trainingConfiguration.optimizer
            say("sgd     lr \(sgd.learningRate)\(trainingConfiguration.schedule == .constant ? "" : " (\(trainingConfiguration.schedule.rawValue))"), momentum \(sgd.momentum)\(sgd.nesterov ? " (nesterov)" : ""), weight decay \(sgd.weightDecay), batch \(trainingConfiguration.batchSize), \(trainingConfiguration.epochs) epochs, seed \(trainingConfiguration.seed), inputs \(trainingConfiguration.inputScaling == .raw ? "raw 0…255" : "÷255")")
            say("engine  \(MatMul.engineVersion) (\(MatMul.instructionSet)), \(trainingConfiguration.threads) thread\(trainingConfiguration.threads == 1 ? "" : "s"), products in \(run.precision.rawValue)")
            if let note = run.precisionNote { Terminal.error("note: --precision \(trainingConfiguration.precision.rawValue): \(note)") }
            say("run     \(folder.path)\(checkpoint.map { "  (resuming after epoch \($0.history.count))" } ?? "")")
        }, onBatch: { epoch, batch, count in
            FaultInjection.check(epoch: epoch, batch: batch)
            progress.batch(epoch: epoch, batch: batch, batchCount: count)
        }, onEpoch: { _, metrics in
            Terminal.clearStatus()
            let validation = metrics.validationAccuracy.map { String(format: "  val acc %.4f", $0) } ?? ""
            let width = String(epochs).count
            say(String(format: "epoch %\(width)d/%d  loss %@  train acc %.4f%@  %.2f s", metrics.epoch, epochs,
                       Terminal.number(metrics.loss), metrics.trainAccuracy, validation, metrics.seconds))
        }, shouldStop: { Interrupt.requested.isSet })

        guard let outcome, let run = trainedRun else {
            Terminal.clearStatus()
            Terminal.error("stopped after epoch \(trainedRun?.history.count ?? 0) of \(epochs); the checkpoint in \(folder.path) is intact. Continue with: mlplab train --resume \(folder.path)")
            throw ExitCode(130)
        }
        let trainEvaluationAccuracy = outcome.trainAccuracy, testEvaluationAccuracy = outcome.testAccuracy
        say(String(format: "done    %.1f s training, %@ samples/s", run.trainingSeconds, Terminal.grouped(run.samplesPerSecond)))
        if let bestEpoch = run.bestEpoch, bestEpoch != run.history.count {
            say("        kept the weights of epoch \(bestEpoch) (best validation accuracy \(String(format: "%.4f", run.bestValidationAccuracy ?? 0)))\(run.stoppedEarly ? "; stopped early (--patience \(trainingConfiguration.patience ?? 0))" : "")")
        }
        say(String(format: "        train acc %.4f  test acc %.4f", trainEvaluationAccuracy, testEvaluationAccuracy))
        say("        \(folder.path)/summary.md")

        if json {
            let summary = TrainingSummary(run: run, data: record.data, trainAccuracy: trainEvaluationAccuracy,
                                          validationAccuracy: run.bestValidationAccuracy, testAccuracy: testEvaluationAccuracy,
                                          runFolder: folder.path)
            print(try JSONOutput.string(summary))
        }
        if let divergence = run.divergence {
            let what = divergence.loss.isFinite
                ? "in epoch \(divergence.epoch) the loss exploded to \(String(format: "%.4g", divergence.loss)) at batch \(divergence.batch) (over 100 × ln \(dataset.classCount)) and the model ended the epoch no better than guessing"
                : "the loss became \(Terminal.number(divergence.loss)) in epoch \(divergence.epoch), batch \(divergence.batch)"
            Terminal.error("mlplab: \(what): \(divergence.diagnosis)")
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
