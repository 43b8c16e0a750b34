import ArgumentParser
import Foundation
import MLPLab

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train every combination of the given values; print a table and draw an overlay chart.",
        discussion: """
            Each option takes a list (0.01,0.02) or a range: 0.001:0.128:x2 (×2 steps) or 0.032:0.064:+0.004. Runs live in <output>/runs/ keyed by their configuration, so a sweep run again reuses finished runs. Writes <output>/loss.svg, <output>/accuracy.svg and <output>/sweep.md.

            Examples:
              mlplab sweep fashion-mnist --lr 0.001:0.128:x2 --epochs 5
              mlplab sweep fashion-mnist --lr 0.05 --momentum 0,0.5,0.9 --subset 10000
              mlplab sweep products --batch-size 32,64,128 --lr 0.05
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
    @Option(parsing: .unconditional, help: ArgumentHelp("Epochs of every run.", valueName: "n"))
    var epochs: Int = 10
    @Option(parsing: .unconditional, help: ArgumentHelp("Hidden widths of every run.", valueName: "w1,w2,…"), transform: LayerWidths.parse)
    var hidden: LayerWidths?
    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of every run.", valueName: "n"))
    var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: ArgumentHelp("Threads.", valueName: "n"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp("Folder for the runs, table and charts.", valueName: "folder"))
    var output: String = "sweep"

    struct Grid {
        var learningRates: [Double], momenta: [Double], weightDecays: [Double], batchSizes: [Int], activations: [Activation]
    }

    func grid() throws -> Grid {
        func list(_ text: String, _ option: String) throws -> [Double] {
            do { return try ValueList.parse(text) } catch { throw ValidationError("--\(option): \(error)") }
        }
        let learningRates = try list(lr, "lr"), momenta = try list(momentum, "momentum")
        let decays = try list(weightDecay, "weight-decay"), batches = try list(batchSize, "batch-size")
        guard learningRates.allSatisfy({ $0 > 0 }) else { throw ValidationError("--lr values must be positive.") }
        guard momenta.allSatisfy({ $0 >= 0 && $0 < 1 }) else { throw ValidationError("--momentum values must be at least 0 and below 1.") }
        guard decays.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--weight-decay values must be 0 or positive.") }
        guard batches.allSatisfy({ $0 >= 1 && $0 == $0.rounded() }) else { throw ValidationError("--batch-size values must be whole numbers of at least 1.") }
        let activations = try activation.split(separator: ",").map { name -> Activation in
            guard let value = Activation(rawValue: String(name)) else {
                throw ValidationError("--activation: '\(name)' is not one of \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return value
        }
        let grid = Grid(learningRates: learningRates, momenta: momenta, weightDecays: decays, batchSizes: batches.map { Int($0) }, activations: activations)
        let count = learningRates.count * momenta.count * decays.count * batches.count * activations.count
        guard count <= 500 else { throw ValidationError("the sweep has \(count) combinations; at most 500 are run at once. Narrow a range.") }
        return grid
    }

    func validate() throws {
        _ = try grid()
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs)).") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
    }

    func run() throws {
        let grid = try grid()
        let lock = try FolderLock(path: output)
        let dataset = try dataOptions.load(threads: threads)
        let store = RunStore(directory: output + "/runs", dataset: dataset, data: dataOptions.configuration)
        Interrupt.install()
        store.shouldStop = { Interrupt.requested.isSet }
        let total = grid.learningRates.count * grid.momenta.count * grid.weightDecays.count * grid.batchSizes.count * grid.activations.count
        var number = 0
        store.onRunStart = { label, _, reused in
            number += 1
            Terminal.clearStatus()
            Terminal.error("[\(number)/\(total)] \(label)\(reused ? " (reused)" : "")")
        }
        store.onBatch = { epoch, batch, count in Terminal.status("  epoch \(epoch)/\(epochs), batch \(batch)/\(count)") }
        var runs: [StudyRun] = []
        do {
            for activation in grid.activations {
                for batch in grid.batchSizes {
                    for decay in grid.weightDecays {
                        for mu in grid.momenta {
                            for rate in grid.learningRates {
                                let model = ModelConfiguration(inputSize: dataset.featureCount, hiddenSizes: hidden?.widths,
                                                               classCount: dataset.classCount, activation: activation)
                                var training = TrainingConfiguration()
                                training.optimizer = SGDConfiguration(learningRate: rate, momentum: mu, weightDecay: decay)
                                training.batchSize = batch
                                training.epochs = epochs
                                training.seed = seed
                                training.threads = threads
                                var parts = ["lr \(rate)"]
                                if grid.momenta.count > 1 || mu != 0 { parts.append("momentum \(mu)") }
                                if grid.weightDecays.count > 1 || decay != 0 { parts.append("wd \(decay)") }
                                if grid.batchSizes.count > 1 || batch != 64 { parts.append("batch \(batch)") }
                                if grid.activations.count > 1 || activation != .relu { parts.append(activation.rawValue) }
                                runs.append(try store.run(parts.joined(separator: " "), model: model, training: training))
                            }
                        }
                    }
                }
            }
        } catch is RunStore.Interrupted {
            Terminal.clearStatus()
            Terminal.error("stopped at a safe point; run the same command again to continue.")
            throw ExitCode(130)
        }
        Terminal.clearStatus()
        let loss = LineChart(title: "training loss", yLabel: "mean training loss",
                             series: runs.map { .init(name: $0.label, values: $0.outcome.epochs.map(\.loss)) })
        var accuracy = BarChart(title: "best validation accuracy", valueLabel: "validation accuracy",
                                bars: runs.map { (label: $0.label, value: $0.outcome.bestValidationAccuracy ?? 0) })
        accuracy.format = { String(format: "%.4f", $0) }
        try AtomicFile.write(Data(loss.svg.utf8), to: output + "/loss.svg")
        try AtomicFile.write(Data(accuracy.svg.utf8), to: output + "/accuracy.svg")
        var table = ["| run | final loss | best val acc | test acc | status | folder |", "|---|---|---|---|---|---|"]
        let width = max(3, runs.map(\.label.count).max() ?? 3)
        print("run".padding(toLength: width, withPad: " ", startingAt: 0) + "  final loss  best val  test acc  status")
        for run in runs {
            let o = run.outcome
            let status = o.divergence.map { "diverged in epoch \($0.epoch)" } ?? "ok"
            print(run.label.padding(toLength: width, withPad: " ", startingAt: 0)
                  + String(format: "  %10@  %8@  %8@  %@", Terminal.number(o.finalLoss), o.bestValidationAccuracy.map { String(format: "%.4f", $0) } ?? "–",
                           String(format: "%.4f", o.testAccuracy), status))
            table.append("| \(run.label) | \(Terminal.number(o.finalLoss)) | \(o.bestValidationAccuracy.map { String(format: "%.4f", $0) } ?? "–") | \(String(format: "%.4f", o.testAccuracy)) | \(status) | \(o.path) |")
        }
        if let best = runs.max(by: { ($0.outcome.bestValidationAccuracy ?? 0) < ($1.outcome.bestValidationAccuracy ?? 0) }) {
            print("best on validation: \(best.label)")
        }
        try AtomicFile.write(Data((table.joined(separator: "\n") + "\n").utf8), to: output + "/sweep.md")
        print("wrote \(output)/sweep.md, loss.svg, accuracy.svg (\(store.trained) trained, \(store.reused) reused)")
        _ = lock
    }
}
