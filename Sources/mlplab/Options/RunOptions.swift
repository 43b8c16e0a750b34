import ArgumentParser
import Foundation
import MLPLab

/// `--seed`, for every command that draws at random (same seed, same draws).
struct SeedOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Seed for initialization, splits, shuffling and picks (default: 1; evaluate: a run folder's own).", valueName: "n"))
    var seed: UInt64?
}

/// `--threads`, for every command that computes.
struct ThreadsOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Threads, 1 to \(TrainingConfiguration.maximumThreads) (default: the cores this process may use, as taskset or Slurm bind it; under mpirun, the node's cores shared among its processes). Same seed and threads give bit-identical results.",
        valueName: "n"))
    var threads: Int?

    /// The thread count to use: the one given, else every core, shared among the processes an
    /// MPI launcher started on this node.
    var threadCount: Int { threads ?? Launch.detect().defaultThreads() }

    func validate() throws {
        var configuration = TrainingConfiguration()
        configuration.threads = threadCount
        try checked { try configuration.validate() }
    }
}

/// What makes a run repeatable: the seed and the thread count (same seed and threads give
/// bit-identical results). Shared by every command that trains.
struct RunOptions: ParsableArguments {
    @OptionGroup var seedOption: SeedOption
    @OptionGroup var threadsOption: ThreadsOption

    var seed: UInt64? { seedOption.seed }
    var threads: Int? { threadsOption.threads }
    var threadCount: Int { threadsOption.threadCount }

    /// `base` with the seed and threads given (threads: every core when not given).
    func configuration(base: TrainingConfiguration = TrainingConfiguration()) -> TrainingConfiguration {
        var configuration = base
        if let seed { configuration.seed = seed }
        configuration.threads = threadCount
        return configuration
    }
}

/// Hidden widths, shared by every command that builds a model.
struct WidthOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Hidden layer widths, comma-separated (default: ¾, ½, ¼ of the input size, e.g. 588,392,196 for 28×28).", valueName: "w1,w2,…"),
            transform: LayerWidths.parse)
    var hidden: LayerWidths?

    /// Hidden layers of the model these options give: `--hidden`'s, or the default three.
    var hiddenLayerCount: Int { hidden?.widths.count ?? ModelConfiguration(inputSize: 784, classCount: 10).hiddenSizes.count }
}
