import ArgumentParser
import Foundation
import MLPLab

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an MLP with SGD, Adam or AdamW; keep the model, metrics, charts and a checkpoint in a run folder.",
        discussion: """
            Prints one line per epoch (mean training loss, running train accuracy, validation accuracy, seconds), then train and test accuracy. Everything goes to runs/<name>/: config.json, metrics.jsonl, checkpoint.safetensors (after every epoch), model.safetensors (best on validation), last.safetensors, loss.svg, per-class.svg, confusion.svg, summary.md, result.json, and events.out.tfevents.* (the curves for TensorBoard: tensorboard --logdir runs). Ctrl-C stops at a safe point; --resume continues, giving the same model as an uninterrupted run.

            Exit codes: 0 done, 1 error, 3 diverged: the loss became non-finite, or exploded and left the model no better than guessing (a diagnosis says which setting to change), 64 bad options, 130 interrupted (resumable).

            Examples:
              mlplab train fashion-mnist --epochs 10
              mlplab train fashion-mnist --hidden 588,392,196 --lr 0.053 --momentum 0.5 --name lr0.053
              mlplab train --resume runs/lr0.053
              mlplab train --resume runs/lr0.053 --epochs 20
              mlplab train fashion-mnist --no-normalize --epochs 2 --seed 2
              mlplab train fashion-mnist --optimizer adamw --lr 0.001 --epochs 10
              mlplab train fashion-mnist --init-from runs/lr0.053/model.safetensors --lr 0.01 --epochs 5
              mpirun -np 4 mlplab train products --batch-size 1024   (data-parallel: each process computes a share of every batch)
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions
    @OptionGroup(title: "Model") var modelOptions: ModelOptions
    @OptionGroup(title: "Training") var trainingOptions: TrainingOptions

    @Option(name: .customLong("run-dir"), help: ArgumentHelp("Folder that holds run folders (default: runs).", valueName: "folder"))
    var runDirectory: String?

    @Option(help: ArgumentHelp("Name of this run's folder (default: the date and time): one plain name of at most 255 bytes, without /, a leading dot or control characters.", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Continue the run in this folder from its last checkpoint. Other options may be left out; any given must match the run's, except a larger --epochs, which trains a finished run further.", valueName: "run folder"))
    var resume: String?

    @Option(name: .customLong("init-from"), help: ArgumentHelp(
        "Start from the weights in this model file instead of drawing them: one MLPLab wrote, or a PyTorch state_dict saved with safetensors under the assignment's names (fc1.weight, fc1.bias, …; as load_state_dict would). Its shapes must be the model's; config.json records the file and its fingerprint.",
        valueName: "file"))
    var initFrom: String?

    @OptionGroup var output: JSONOption
    var json: Bool { output.json }

    func validate() throws {
        if let name { try checked { try RunFolder.checkName(name) } }
        if resume != nil && name != nil {
            throw ValidationError("--resume continues an existing run folder; leave out --name.")
        }
        if resume != nil && initFrom != nil {
            throw ValidationError("--resume continues from the run's checkpoint; leave out --init-from.")
        }
        if resume != nil && runDirectory != nil {
            throw ValidationError("--resume names the run folder itself (e.g. --resume runs/lr0.053); leave out --run-dir.")
        }
        if resume == nil { try trainingOptions.regularization.check(hiddenLayers: modelOptions.widths.hiddenLayerCount) }
        if trainingOptions.patience != nil && dataOptions.validationFraction == 0 {
            throw ValidationError("--patience watches validation accuracy, and --val 0 holds out no validation split; give --val a fraction above 0, or leave out --patience.")
        }
    }

    /// The training these options ask for: settings left out keep the defaults or the resumed run's.
    var request: TrainingRequest {
        var request = TrainingRequest(command: ["mlplab"] + CommandLine.arguments.dropFirst())
        (request.resume, request.runDirectory, request.name) = (resume, runDirectory ?? "runs", name)
        request.initFrom = initFrom
        request.data = { [dataOptions] in dataOptions.configuration(base: $0) }
        request.training = { [trainingOptions] in trainingOptions.configuration(base: $0) }
        request.model = { [modelOptions] in modelOptions.configuration(base: $0) }
        return request
    }

    func run() async throws {
        // A file-size limit (or quota) must give an error from write(), not kill the process.
        signal(SIGXFSZ, SIG_IGN)
        let ranks = Ranks.communicator.flatMap { $0.size > 1 ? $0 : nil }
        let prepared = try Training.prepare(request, communicator: ranks, load: dataOptions.loadReporting)
        // A failure before the run's first file (a model too large) leaves no empty folder behind.
        defer { prepared.folder?.discardIfUnstarted() }
        let (folder, record, dataset) = (prepared.folder, prepared.record, prepared.dataset)
        let lines = folder.map { TrainingPrinter(record: record, dataset: dataset, folder: $0.path, toStderr: json) }
        let stopped = { lines.flatMap { lines in folder.map { folder in
            "stopped after epoch \(lines.epochsDone) of \(record.training.epochs); the checkpoint in \(OneLine.escaped(folder.path)) is intact. Continue with: mlplab train --resume \(OneLine.escaped(folder.path))"
        } } }
        let result = try await Interrupt.stoppingOnSignal(stopped) {
            try Training.run(record, on: dataset, in: folder, communicator: ranks,
                             report: RunReport.Options(skippedFiles: prepared.skippedFiles, settingNames: FlagNames.names),
                             cacheDirectory: dataOptions.cache?.directory) { event in
                if case let .batch(epoch, batch, _) = event { FaultInjection.check(epoch: epoch, batch: batch, rank: Ranks.rank) }
                lines?.show(event)
            }
        }
        if let lines {
            lines.lines.lines(for: result).forEach(lines.say)
            if json { print(try JSONCoding.string(result)) }
        }
        if let divergence = result.divergence {
            if let lines { Terminal.note("mlplab: " + lines.lines.line(for: divergence)) }
            if !record.training.continueOnNonFinite { throw ExitCode(3) }
        }
    }
}
