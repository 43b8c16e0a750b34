/// Every combination of a few settings, around one model and training configuration: what
/// `mlplab sweep` trains. Lists are written as ``ValueList`` parses them ("0.01,0.02",
/// "0.001:0.128:x2", "0.032:0.064:+0.004").
public struct SweepGrid: Equatable, Sendable {
    /// Learning rates to try; [0.01], the assignment's, by default.
    public var learningRates: [Double] = [0.01]
    /// Momenta to try; [0] (plain SGD) by default.
    public var momenta: [Double] = [0]
    /// Weight decays to try; [0] by default.
    public var weightDecays: [Double] = [0]
    /// Batch sizes to try; [64], the assignment's, by default.
    public var batchSizes: [Int] = [64]
    /// Activations to try; [.relu], the assignment's, by default.
    public var activations: [Activation] = [.relu]
    /// Optimizers to try; [.sgd] by default. Momentum is SGD's: Adam and AdamW take each of the
    /// other values once, with no momentum (and torch's betas, eps and, for AdamW, nothing else
    /// changed: weight decay comes from `weightDecays`).
    public var optimizers: [OptimizerAlgorithm] = [.sgd]

    /// The most combinations one sweep runs.
    public static let maximumCount = 500

    /// A grid from lists as text (``ValueList``'s syntax; activations comma-separated). Throws
    /// ``ConfigurationError`` naming the option whose list does not parse or holds a value no
    /// training accepts (a batch size that is not a whole number, say).
    public init(learningRates: String = "0.01", momenta: String = "0", weightDecays: String = "0", batchSizes: String = "64",
                activations: String = "relu", optimizers: String = "sgd") throws {
        func list(_ text: String, _ setting: String) throws -> [Double] {
            do { return try ValueList.parse(text) } catch let error as ValueList.ParseError {
                throw ConfigurationError(setting: setting, value: text, rule: "must be a list or range of numbers", fix: error.description)
            }
        }
        self.learningRates = try list(learningRates, "training.optimizer.learning_rate")
        self.momenta = try list(momenta, "training.optimizer.momentum")
        self.weightDecays = try list(weightDecays, "training.optimizer.weight_decay")
        let batches = try list(batchSizes, "training.batch_size")
        self.batchSizes = try batches.map { value in
            guard value == value.rounded(), value >= 1, value <= Double(TrainingConfiguration.maximumBatchSize) else {
                throw ConfigurationError(setting: "training.batch_size", value: "\(value)", rule: "must hold whole numbers from 1 to \(Format.grouped(Double(TrainingConfiguration.maximumBatchSize)))")
            }
            return Int(value)
        }
        let names = activations.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
        self.activations = try names.map { name in
            guard let activation = Activation(rawValue: name) else {
                throw ConfigurationError(setting: "model.activation", value: "'\(name)'", rule: "must name one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return activation
        }
        let algorithms = optimizers.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
        self.optimizers = try algorithms.map { name in
            guard let algorithm = OptimizerAlgorithm(rawValue: name) else {
                throw ConfigurationError(setting: "training.optimizer.algorithm", value: "'\(name)'",
                                         rule: "must name one of \(OptimizerAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return algorithm
        }
        try validate()
    }

    /// Combinations in the grid (Adam's points take no momentum but 0).
    public var count: Int {
        let perMomentum = learningRates.count * weightDecays.count * batchSizes.count * activations.count
        return optimizers.reduce(0) { $0 + perMomentum * ($1 == .sgd ? momenta.count : 1) }
    }

    /// Throws ``ConfigurationError`` for an empty list, a grid of more than `maximumCount`
    /// combinations, or a learning rate, momentum or weight decay that
    /// ``TrainingConfiguration/validate()`` refuses (batch sizes and activations are checked when
    /// their text is parsed, and again by the training).
    public func validate() throws {
        guard count >= 1 else { throw ConfigurationError(setting: "the sweep", value: "no values", rule: "must have at least one value per option") }
        guard count <= Self.maximumCount else {
            throw ConfigurationError(setting: "the sweep", value: "\(count) combinations", rule: "must have at most \(Self.maximumCount)", fix: "narrow a range")
        }
        var training = TrainingConfiguration()
        for rate in learningRates { training.optimizer.learningRate = rate; try training.validate() }
        training = TrainingConfiguration()
        for momentum in momenta { training.optimizer.momentum = momentum; try training.validate() }
        training = TrainingConfiguration()
        for decay in weightDecays { training.optimizer.weightDecay = decay; try training.validate() }
    }

    /// One training of the grid: a label naming what differs from the defaults ("lr 0.02
    /// momentum 0.9"), and its configurations.
    public struct Point: Sendable {
        /// What differs from the defaults, e.g. "lr 0.02 momentum 0.9"; also names the run's folder.
        public var label: String
        /// The model to train: the sweep's model with this point's activation.
        public var model: ModelConfiguration
        /// The training: the sweep's, with this point's rate, momentum, weight decay and batch size.
        public var training: TrainingConfiguration
    }

    /// Every combination applied to `model` and `training`, learning rate varying fastest.
    public func points(model: ModelConfiguration, training: TrainingConfiguration) -> [Point] {
        var points: [Point] = []
        for optimizer in optimizers {
            for activation in activations {
                for batch in batchSizes {
                    for decay in weightDecays {
                        for momentum in optimizer == .sgd ? momenta : [0] {
                            for rate in learningRates {
                                var pointModel = model
                                pointModel.activation = activation
                                var pointTraining = training
                                if optimizer != .sgd {
                                    pointTraining.optimizer = .adam(learningRate: rate, weightDecay: decay, decoupled: optimizer == .adamw)
                                }
                                pointTraining.optimizer.learningRate = rate
                                pointTraining.optimizer.momentum = momentum
                                pointTraining.optimizer.weightDecay = decay
                                pointTraining.batchSize = batch
                                var parts = optimizers.count > 1 || optimizer != .sgd ? [optimizer.rawValue] : []
                                parts.append("lr \(rate)")
                                if optimizer == .sgd && (momenta.count > 1 || momentum != 0) { parts.append("momentum \(momentum)") }
                                if weightDecays.count > 1 || decay != 0 { parts.append("wd \(decay)") }
                                if batchSizes.count > 1 || batch != 64 { parts.append("batch \(batch)") }
                                if activations.count > 1 || activation != .relu { parts.append(activation.rawValue) }
                                points.append(Point(label: parts.joined(separator: " "), model: pointModel, training: pointTraining))
                            }
                        }
                    }
                }
            }
        }
        return points
    }
}
