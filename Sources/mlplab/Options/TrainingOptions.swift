import ArgumentParser
import Foundation
import MLPLab

/// Optimizer and loop settings; defaults are the assignment's (SGD, lr 0.01, batch 64, 10 epochs).
struct TrainingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Learning rate.", valueName: "rate"))
    var lr: Double = 0.01

    @Option(parsing: .unconditional, help: ArgumentHelp("SGD momentum (0 for none).", valueName: "μ"))
    var momentum: Double = 0

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: ArgumentHelp("L2 weight decay added to the gradient.", valueName: "λ"))
    var weightDecay: Double = 0

    @Option(parsing: .unconditional, help: ArgumentHelp("Momentum dampening, as torch.optim.SGD.", valueName: "d"))
    var dampening: Double = 0

    @Flag(help: "Nesterov momentum (needs --momentum > 0 and no dampening).")
    var nesterov = false

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp("Samples per step; the last batch of an epoch may be shorter.", valueName: "n"))
    var batchSize: Int = 64

    @Option(parsing: .unconditional, help: ArgumentHelp("Passes over the training data.", valueName: "n"))
    var epochs: Int = 10

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed for initialization, splits and shuffling.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Threads (default: all cores). Same seed and threads give bit-identical results.", valueName: "n"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .customLong("no-normalize"), help: "Feed raw pixels 0…255 instead of dividing by 255 (the assignment's Part 3; diverges at lr 0.01).")
    var noNormalize = false

    @Flag(name: .customLong("continue-on-nan"), help: "Keep training after the loss becomes non-finite, as the assignment did (default: stop and diagnose).")
    var continueOnNaN = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Learning-rate schedule over the epochs: constant, step (×0.1 at 50 % and 75 %), cosine (to 0).", valueName: "name"))
    var schedule: LearningRateSchedule = .constant

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop when validation accuracy has not improved for this many epochs, keeping the best weights.", valueName: "n"))
    var patience: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Number format of the products: f32; bf16 (bf16 inputs, float32 sums, weights and loss; needs AVX512-BF16 or AMX, else falls back to f32 and says so); bf16-emulated (bf16's numerics on any CPU, at f32 speed).",
        valueName: "name"))
    var precision: Precision = .float32

    func validate() throws {
        if let patience, patience < 1 { throw ValidationError("--patience must be at least 1 (got \(patience)).") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number (got \(lr)); the assignment uses 0.01.") }
        guard momentum >= 0, momentum < 1 else { throw ValidationError("--momentum must be at least 0 and below 1 (got \(momentum)); try 0.9.") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw ValidationError("--weight-decay must be 0 or positive (got \(weightDecay)).") }
        guard dampening >= 0, dampening <= 1 else { throw ValidationError("--dampening must be between 0 and 1 (got \(dampening)).") }
        if nesterov && (momentum == 0 || dampening != 0) {
            throw ValidationError("--nesterov needs --momentum above 0 and --dampening 0, as in torch.optim.SGD.")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)); the assignment uses 64.") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs)).") }
        guard threads >= 1, threads <= 1024 else { throw ValidationError("--threads must be between 1 and 1024 (got \(threads)).") }
    }

    var configuration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.optimizer = SGDConfiguration(learningRate: lr, momentum: momentum, dampening: dampening,
                                                   weightDecay: weightDecay, nesterov: nesterov)
        configuration.batchSize = batchSize
        configuration.epochs = epochs
        configuration.seed = seed
        configuration.threads = threads
        configuration.inputScaling = noNormalize ? .raw : .unitRange
        configuration.continueOnNonFinite = continueOnNaN
        configuration.patience = patience
        configuration.schedule = schedule
        configuration.precision = precision
        return configuration
    }
}

extension LearningRateSchedule: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}
