import ArgumentParser
import Foundation
import MLPLab

struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train every combination of the given values; print a table and draw an overlay chart.",
        discussion: """
            Each option takes a list (0.01,0.02) or a range: 0.001:0.128:x2 (×2 steps) or 0.032:0.064:+0.004; a list or range holds at most \(ValueList.maximumCount) values and the sweep at most \(SweepGrid.maximumCount) combinations. Runs live in <output>/runs/ keyed by their configuration, so a sweep run again reuses finished runs. Writes <output>/loss.svg, <output>/accuracy.svg and <output>/sweep.md.

            Examples:
              mlplab sweep fashion-mnist --lr 0.001:0.128:x2 --epochs 5
              mlplab sweep fashion-mnist --lr 0.05 --momentum 0,0.5,0.9 --subset 10000
              mlplab sweep products --batch-size 32,64,128 --lr 0.05
              mlplab sweep fashion-mnist --optimizer sgd,adam --lr 0.001,0.01,0.1 --epochs 5
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Learning rates.", valueName: "list or range"))
    var lr: String = "0.01"
    @Option(parsing: .unconditional, help: ArgumentHelp("Momenta.", valueName: "list or range"))
    var momentum: String = "0"
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: ArgumentHelp("Weight decays.", valueName: "list or range"))
    var weightDecay: String = "0"
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp("Batch sizes.", valueName: "list or range"))
    var batchSize: String = "64"
    @Option(parsing: .unconditional, help: ArgumentHelp("Activations, comma-separated.", valueName: "names"))
    var activation: String = "relu"
    @Option(parsing: .unconditional, help: ArgumentHelp("Optimizers, comma-separated: sgd, adam, adamw (torch.optim's; --momentum is SGD's, so Adam's points take each other value once).", valueName: "names"))
    var optimizer: String = "sgd"
    @Option(parsing: .unconditional, help: ArgumentHelp("Epochs of every run.", valueName: "n"))
    var epochs: Int = 10
    @OptionGroup(title: "Model") var widths: WidthOptions
    @OptionGroup(title: "Regularization") var regularization: RegularizationOptions
    @OptionGroup(title: "Runs") var runOptions: RunOptions
    @OptionGroup var folderOptions: ResultFolderOptions
    var output: String { folderOptions.output ?? "sweep" }

    func grid() throws -> SweepGrid {
        try SweepGrid(learningRates: lr, momenta: momentum, weightDecays: weightDecay, batchSizes: batchSize, activations: activation,
                      optimizers: optimizer)
    }

    /// The settings every run shares.
    var training: TrainingConfiguration {
        var training = regularization.configuration(base: runOptions.configuration())
        training.epochs = epochs
        return training
    }

    func validate() throws {
        try regularization.check(hiddenLayers: widths.hiddenLayerCount)
        try checked {
            _ = try grid()
            try training.validate()
        }
    }

    func run() async throws {
        let grid = try grid()
        let folder = try ExperimentTerminal.open(output, kind: .sweep, force: folderOptions.force)
        let (dataset, skipped) = try dataOptions.loadReporting(dataOptions.configuration(), threads: runOptions.threadCount)
        let sweep = Sweep(grid: grid, dataset: dataset, data: dataOptions.configuration(), hiddenSizes: widths.hidden?.widths,
                          training: training, directory: output + "/runs")
        let (runs, progress) = try await ExperimentTerminal.run(sweep.store, planned: grid.count, folder: folder,
                                                                data: dataOptions, skipped: skipped) { try sweep.run() }
        guard let folder else { return }  // rank 0 writes the report
        let wrote = try SweepReport.writeOnce(runs, into: folder)
        print(SweepReport.table(runs).text)
        if let best = SweepReport.best(runs) { print("best on validation: \(best.label)") }
        let counts = ExperimentTerminal.counts(sweep.store, progress, shared: folder.sharedWith != nil)
        print("\(ExperimentTerminal.wrote("\(output)/sweep.md, loss.svg, accuracy.svg", wrote)) (\(counts))")
    }
}
