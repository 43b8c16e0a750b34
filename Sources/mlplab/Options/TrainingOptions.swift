import ArgumentParser
import MLPLab

/// Optimizer and loop settings; defaults are the assignment's (SGD, lr 0.01, batch 64, 10
/// epochs). Options left out keep the configuration's value (the default, or a resumed run's).
struct TrainingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "sgd (torch.optim.SGD, the default), adam (torch.optim.Adam) or adamw (torch.optim.AdamW: weight decay apart from the gradient). Adam and AdamW default to lr 0.001, AdamW to weight decay 0.01, as in torch.",
        valueName: "name"))
    var optimizer: OptimizerAlgorithm?

    @Option(parsing: .unconditional, help: ArgumentHelp("Learning rate (default: 0.01; 0.001 for adam and adamw).", valueName: "rate"))
    var lr: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("SGD momentum, 0 for none (default: 0).", valueName: "μ"))
    var momentum: Double?

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: ArgumentHelp("Weight decay: L2, added to the gradient (sgd, adam; default 0), or decoupled, θ·(1 − lr·λ) each step (adamw; default 0.01).", valueName: "λ"))
    var weightDecay: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Adam's decay of the gradient's running mean (betas[0] in torch; default: 0.9).", valueName: "β1"))
    var beta1: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Adam's decay of the squared gradient's running mean (betas[1] in torch; default: 0.999).", valueName: "β2"))
    var beta2: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Adam's term added to the denominator (default: 1e-8).", valueName: "ε"))
    var eps: Double?

    @Flag(help: "Adam's AMSGrad variant: divide by the largest running mean of the squared gradient so far (amsgrad=True in torch).")
    var amsgrad = false

    @OptionGroup var regularization: RegularizationOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Momentum dampening, as torch.optim.SGD (default: 0).", valueName: "d"))
    var dampening: Double?

    @Flag(help: "Nesterov momentum (needs --momentum > 0 and no dampening).")
    var nesterov = false

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp("Samples per step; the last batch of an epoch may be shorter (default: 64).", valueName: "n"))
    var batchSize: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Passes over the training data (default: 10).", valueName: "n"))
    var epochs: Int?

    @OptionGroup var run: RunOptions

    @Flag(name: .customLong("no-normalize"), help: "Feed raw pixels 0…255 instead of dividing by 255 (the assignment's Part 3; diverges at lr 0.01).")
    var noNormalize = false

    @Flag(name: .customLong("continue-on-nan"), help: "Keep training after the loss becomes non-finite, as the assignment did (default: stop and diagnose).")
    var continueOnNaN = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Learning-rate schedule over the epochs: constant, step (×0.1 at 50 % and 75 %), cosine (to 0) (default: constant).", valueName: "name"))
    var schedule: LearningRateSchedule?

    @Option(parsing: .unconditional, help: ArgumentHelp("Stop when validation accuracy has not improved for this many epochs, keeping the best weights.", valueName: "n"))
    var patience: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Number format of the products: f32 (default); bf16 (bf16 inputs, float32 sums, weights and loss; needs AVX512-BF16 or AMX, else falls back to f32 and says so, as it says when bf16 is slower than f32 here: mlplab doctor measures both); bf16-emulated (bf16's numerics on any CPU, at f32 speed).",
        valueName: "name"))
    var precision: Precision?

    func validate() throws {
        let configuration = configuration()
        if !configuration.optimizer.isAdam {
            for (flag, given) in [("--beta1", beta1 != nil), ("--beta2", beta2 != nil), ("--eps", eps != nil), ("--amsgrad", amsgrad)] where given {
                throw ValidationError("\(flag) is Adam's; add --optimizer adam or adamw, or leave it out.")
            }
        }
        try checked { try configuration.validate() }
    }

    /// `base` (default: the assignment's settings on every core) with every option that was
    /// given applied.
    func configuration(base: TrainingConfiguration? = nil) -> TrainingConfiguration {
        var configuration = base ?? {
            var defaults = TrainingConfiguration()
            defaults.threads = run.threadCount
            return defaults
        }()
        if let optimizer, optimizer != configuration.optimizer.algorithm {
            // Another algorithm starts from its own torch defaults, as torch.optim's constructor does.
            configuration.optimizer = optimizer == .sgd ? OptimizerConfiguration() : .adam(decoupled: optimizer == .adamw)
        }
        if let lr { configuration.optimizer.learningRate = lr }
        if let beta1 { configuration.optimizer.beta1 = beta1 }
        if let beta2 { configuration.optimizer.beta2 = beta2 }
        if let eps { configuration.optimizer.eps = eps }
        if amsgrad { configuration.optimizer.amsgrad = true }
        if let momentum { configuration.optimizer.momentum = momentum }
        if let weightDecay { configuration.optimizer.weightDecay = weightDecay }
        if let dampening { configuration.optimizer.dampening = dampening }
        if nesterov { configuration.optimizer.nesterov = true }
        if let batchSize { configuration.batchSize = batchSize }
        if let epochs { configuration.epochs = epochs }
        if let seed = run.seed { configuration.seed = seed }
        if let threads = run.threads { configuration.threads = threads }
        if noNormalize { configuration.inputScaling = .raw }
        if continueOnNaN { configuration.continueOnNonFinite = true }
        if let schedule { configuration.schedule = schedule }
        if let patience { configuration.patience = patience }
        configuration = regularization.configuration(base: configuration)
        if let precision { configuration.precision = precision }
        return configuration
    }
}

extension LearningRateSchedule: ExpressibleByArgument {}
extension OptimizerAlgorithm: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}
