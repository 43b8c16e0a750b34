import ArgumentParser
import Foundation
import MLPLab

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an MLP with SGD; keep the model, metrics, charts and a checkpoint in a run folder.",
        discussion: """
            Prints one line per epoch (mean training loss, running train accuracy, validation accuracy, seconds), then train and test accuracy. Everything goes to runs/<name>/: config.json, metrics.jsonl, checkpoint.safetensors (after every epoch), model.safetensors (best on validation), last.safetensors, loss.svg, per-class.svg, confusion.svg, summary.md, result.json, and events.out.tfevents.* (the curves for TensorBoard: tensorboard --logdir runs). Ctrl-C stops at a safe point; --resume continues, giving the same model as an uninterrupted run.

            Exit codes: 0 done, 1 error, 3 diverged: the loss became non-finite, or exploded and left the model no better than guessing (a diagnosis says which setting to change), 64 bad options, 130 interrupted (resumable).

            Examples:
              mlplab train fashion-mnist --epochs 10
              mlplab train fashion-mnist --hidden 588,392,196 --lr 0.053 --momentum 0.5 --name lr0.053
              mlplab train --resume runs/lr0.053
              mlplab train --resume runs/lr0.053 --epochs 20
              mlplab train fashion-mnist --no-normalize --epochs 2 --seed 2
              mpirun -np 4 mlplab train products --batch-size 1024   (data-parallel: each process computes a share of every batch)
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions
    @OptionGroup(title: "Model") var modelOptions: ModelOptions
    @OptionGroup(title: "Training") var trainingOptions: TrainingOptions

    @Option(name: .customLong("run-dir"), parsing: .unconditional, help: ArgumentHelp("Folder that holds run folders.", valueName: "folder"))
    var runDirectory: String = "runs"

    @Option(parsing: .unconditional, help: ArgumentHelp("Name of this run's folder (default: the date and time): one plain name of at most 255 bytes, without /, a leading dot or control characters.", valueName: "name"))
    var name: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Continue the run in this folder from its last checkpoint. Other options may be left out; any given must match the run's, except a larger --epochs, which trains a finished run further.", valueName: "run folder"))
    var resume: String?

    @Flag(help: "Print the run's result (result.json's object) on stdout; the lines go to stderr.")
    var json = false

    func validate() throws {
        if let name { try checked { try RunFolder.checkName(name) } }
        if resume != nil && name != nil {
            throw ValidationError("--resume continues an existing run folder; leave out --name.")
        }
    }

    /// The run folder, the record of what to train, and the data: a new run, or the stored run
    /// with the options given here applied (`Training.run` names any that differ).
    /// Also returns every file --skip-unreadable skipped, for summary.md.
    func prepare() throws -> (RunFolder, RunRecord, Dataset, [ImageFolderReport.SkippedFile]) {
        if let resume {
            let (folder, stored) = try RunFolder.resuming(resume)
            let data = dataOptions.configuration(base: stored.data)
            let training = trainingOptions.configuration(base: stored.training)
            let (dataset, skipped) = try dataOptions.loadReporting(data, threads: training.threads)
            let model = modelOptions.configuration(inputSize: dataset.featureCount, classCount: dataset.classCount, base: stored.model)
            let record = RunRecord(command: stored.command, data: data, dataset: dataset, model: model, training: training)
            try folder.checkUnfinished(record)
            return (folder, record, dataset, skipped)
        }
        let training = trainingOptions.configuration()
        let path = try RunFolder.pathForNewRun(in: runDirectory, name: name)
        let (dataset, skipped) = try dataOptions.loadReporting(dataOptions.configuration(), threads: training.threads)
        let folder = try RunFolder.openForNewRun(at: path)
        let model = modelOptions.configuration(inputSize: dataset.featureCount, classCount: dataset.classCount)
        return (folder, RunRecord(command: ["mlplab"] + CommandLine.arguments.dropFirst(), data: dataOptions.configuration(),
                                  dataset: dataset, model: model, training: training), dataset, skipped)
    }

    func run() async throws {
        // A file-size limit (or quota) must give an error from write(), not kill the process.
        signal(SIGXFSZ, SIG_IGN)
        let ranks = Ranks.communicator.flatMap { $0.size > 1 ? $0 : nil }
        // Data-parallel, rank 0 alone reads the options against the run folder and opens it; the
        // others load the data the record names.
        var prepared: (folder: RunFolder, dataset: Dataset, skipped: [ImageFolderReport.SkippedFile])?
        var record = try ranks.fromLeader { () -> RunRecord in
            let (folder, record, dataset, skipped) = try prepare()
            prepared = (folder, dataset, skipped)
            return record
        }
        // A failure before the run's first file (a model too large) leaves no empty folder behind.
        defer { prepared?.folder.discardIfUnstarted() }
        let dataset = try ranks.agreeing { try prepared?.dataset ?? record.data.load(threads: record.training.threads, cache: dataOptions.cache, progress: nil).dataset }
        if let ranks { record.processes = ranks.size }
        let folder = prepared?.folder
        let lines = folder.map { TrainingLines(record: record, dataset: dataset, folder: $0.path, toStderr: json) }
        let result: RunResult
        do {
            result = try await Interrupt.cancellingOnSignal {
                try Training.run(record, on: dataset, in: folder, communicator: ranks) { event in
                    if case let .batch(epoch, batch, _) = event { FaultInjection.check(epoch: epoch, batch: batch) }
                    if case let .finished(result) = event, let folder { try RunReport.write(result, to: folder, skipped: prepared?.skipped ?? []) }
                    lines?.show(event)
                }
            }
        } catch is CancellationError {
            if let lines, let folder {
                Terminal.clearStatus()
                Terminal.error("stopped after epoch \(lines.epochsDone) of \(record.training.epochs); the checkpoint in \(OneLine.escaped(folder.path)) is intact. Continue with: mlplab train --resume \(OneLine.escaped(folder.path))")
            }
            throw ExitCode(130)
        }
        if let lines {
            lines.finish(result)
            if json { print(try JSONCoding.string(result)) }
        }
        if let divergence = result.divergence {
            if let lines { Terminal.note("mlplab: \(lines.describe(divergence)): \(divergence.diagnosis)") }
            if !record.training.continueOnNonFinite { throw ExitCode(3) }
        }
    }
}
