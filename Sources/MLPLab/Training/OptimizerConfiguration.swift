/// Which update rule trains: `torch.optim.SGD`, `torch.optim.Adam` or `torch.optim.AdamW`.
public enum OptimizerAlgorithm: String, Codable, CaseIterable, Sendable {
    /// Stochastic gradient descent, with optional momentum (the assignment's).
    case sgd
    /// Adam: per-parameter steps from running means of the gradient and its square; weight
    /// decay added to the gradient (L2).
    case adam
    /// Adam with decoupled weight decay: the weights shrink by lr·weightDecay each step,
    /// apart from the gradient.
    case adamw
}

/// The hyperparameters of the optimizer, named and defaulted as `torch.optim.SGD`, `Adam` and
/// `AdamW` name them, with the assignment's values by default (SGD, lr 0.01, no momentum, no
/// weight decay).
///
/// config.json keeps `algorithm`, `beta1`, `beta2`, `eps` and `amsgrad` only for Adam and AdamW,
/// so an SGD run's record, and its key (``RunRecord/configurationKey``), are what they were before
/// Adam existed.
public struct OptimizerConfiguration: Codable, Equatable, Sendable {
    /// The update rule; SGD by default.
    public var algorithm = OptimizerAlgorithm.sgd
    /// The base step size lr; 0.01 by default, the assignment's. A schedule scales it per epoch.
    public var learningRate: Double = 0.01
    /// SGD's momentum factor, 0 ≤ momentum < 1; 0 (none) by default, as in torch.
    public var momentum: Double = 0
    /// SGD's dampening of the momentum update, 0…1; 0 by default, as in torch.
    public var dampening: Double = 0
    /// L2 penalty added to the gradient (g = ∇ + weightDecay·θ; SGD and Adam), or decoupled
    /// decay θ ← θ·(1 − lr·weightDecay) (AdamW); 0 by default.
    public var weightDecay: Double = 0
    /// SGD's Nesterov momentum (needs momentum above 0 and no dampening); off by default.
    public var nesterov: Bool = false
    /// Adam's decay of the running mean of the gradient; 0.9 by default, as in torch.
    public var beta1: Double = 0.9
    /// Adam's decay of the running mean of the squared gradient; 0.999 by default, as in torch.
    public var beta2: Double = 0.999
    /// Adam's term added to the denominator; 1e-8 by default, as in torch.
    public var eps: Double = 1e-8
    /// Adam's AMSGrad variant: the denominator uses the largest running mean of the squared
    /// gradient so far; off by default.
    public var amsgrad = false

    /// SGD with torch.optim.SGD's defaults, except the learning rate, which is the assignment's
    /// 0.01. Not checked here; call `validate()`.
    public init(learningRate: Double = 0.01, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    /// Adam (`torch.optim.Adam`'s defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8, no weight
    /// decay) or, with `decoupled`, AdamW (`torch.optim.AdamW`'s: the same, weight decay 0.01).
    public static func adam(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                            weightDecay: Double? = nil, amsgrad: Bool = false, decoupled: Bool = false) -> OptimizerConfiguration {
        var configuration = OptimizerConfiguration(learningRate: learningRate, weightDecay: weightDecay ?? (decoupled ? 0.01 : 0))
        configuration.algorithm = decoupled ? .adamw : .adam
        (configuration.beta1, configuration.beta2, configuration.eps, configuration.amsgrad) = (beta1, beta2, eps, amsgrad)
        return configuration
    }

    /// Whether the algorithm is Adam or AdamW.
    public var isAdam: Bool { algorithm != .sgd }

    /// The names of the optimizer's state buffers, each the parameters' size, as PyTorch's
    /// `state_dict()` names them: `momentum` (SGD with momentum; torch's `momentum_buffer`),
    /// `exp_avg` and `exp_avg_sq` (Adam, AdamW), and `max_exp_avg_sq` (AMSGrad).
    public var stateBufferNames: [String] {
        switch algorithm {
        case .sgd: momentum != 0 ? ["momentum"] : []
        case .adam, .adamw: ["exp_avg", "exp_avg_sq"] + (amsgrad ? ["max_exp_avg_sq"] : [])
        }
    }

    private enum CodingKeys: String, CodingKey {
        case algorithm, learningRate, momentum, dampening, weightDecay, nesterov, beta1, beta2, eps, amsgrad
    }

    /// Decodes a configuration; a record without `algorithm` (every SGD run's) is SGD.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try container.decodeIfPresent(OptimizerAlgorithm.self, forKey: .algorithm) ?? .sgd
        learningRate = try container.decode(Double.self, forKey: .learningRate)
        momentum = try container.decode(Double.self, forKey: .momentum)
        dampening = try container.decode(Double.self, forKey: .dampening)
        weightDecay = try container.decode(Double.self, forKey: .weightDecay)
        nesterov = try container.decode(Bool.self, forKey: .nesterov)
        if algorithm != .sgd {
            beta1 = try container.decode(Double.self, forKey: .beta1)
            beta2 = try container.decode(Double.self, forKey: .beta2)
            eps = try container.decode(Double.self, forKey: .eps)
            amsgrad = try container.decode(Bool.self, forKey: .amsgrad)
        } else {
            // Adam's settings have no place in an SGD record: one there was written by hand.
            for key in [CodingKeys.beta1, .beta2, .eps, .amsgrad] where container.contains(key) {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "Adam's setting in an SGD configuration")
            }
        }
    }

    /// Encodes SGD as it always was; Adam and AdamW with their own settings.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if algorithm != .sgd { try container.encode(algorithm, forKey: .algorithm) }
        try container.encode(learningRate, forKey: .learningRate)
        try container.encode(momentum, forKey: .momentum)
        try container.encode(dampening, forKey: .dampening)
        try container.encode(weightDecay, forKey: .weightDecay)
        try container.encode(nesterov, forKey: .nesterov)
        if algorithm != .sgd {
            try container.encode(beta1, forKey: .beta1)
            try container.encode(beta2, forKey: .beta2)
            try container.encode(eps, forKey: .eps)
            try container.encode(amsgrad, forKey: .amsgrad)
        }
    }

    /// Throws ``ConfigurationError`` for settings torch.optim refuses or that cannot train: a
    /// learning rate that is not a positive finite number, a negative or infinite weight decay;
    /// for SGD momentum outside 0…<1, dampening outside 0…1, Nesterov without momentum or with
    /// dampening; for Adam betas outside 0…<1, an eps that is not a positive finite number, and
    /// SGD's momentum, dampening or Nesterov (Adam's first moment is beta1); for SGD, Adam's
    /// betas, eps or AMSGrad away from their defaults.
    public func validate() throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw ConfigurationError(setting: "training.optimizer.learning_rate", value: learningRate, rule: "must be a positive number",
                                     fix: isAdam ? "torch.optim.Adam uses 0.001" : "the assignment uses 0.01")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw ConfigurationError(setting: "training.optimizer.weight_decay", value: weightDecay, rule: "must be 0 or a positive number")
        }
        if isAdam {
            for (key, value) in [("momentum", momentum), ("dampening", dampening)] where value != 0 {
                throw ConfigurationError(setting: "training.optimizer.\(key)", value: value, rule: "is SGD's, not Adam's",
                                         fix: "leave it out (Adam's running mean of the gradient is training.optimizer.beta1), or train with training.optimizer.algorithm sgd")
            }
            if nesterov {
                throw ConfigurationError(setting: "training.optimizer.nesterov", value: "true", rule: "is SGD's",
                                         fix: "leave it out, or train with training.optimizer.algorithm sgd")
            }
            for (key, value) in [("beta1", beta1), ("beta2", beta2)] {
                guard value >= 0, value < 1 else {
                    throw ConfigurationError(setting: "training.optimizer.\(key)", value: value, rule: "must be at least 0 and below 1",
                                             fix: "torch's default is \(key == "beta1" ? "0.9" : "0.999")")
                }
            }
            guard eps > 0, eps.isFinite else {
                throw ConfigurationError(setting: "training.optimizer.eps", value: eps, rule: "must be a positive number", fix: "torch's default is 1e-8")
            }
            return
        }
        guard momentum >= 0, momentum < 1 else {
            throw ConfigurationError(setting: "training.optimizer.momentum", value: momentum, rule: "must be at least 0 and below 1", fix: "try 0.9")
        }
        guard dampening >= 0, dampening <= 1 else {
            throw ConfigurationError(setting: "training.optimizer.dampening", value: dampening, rule: "must be between 0 and 1")
        }
        if nesterov && (momentum == 0 || dampening != 0) {
            throw ConfigurationError(setting: "training.optimizer.nesterov", value: "momentum \(momentum), dampening \(dampening)",
                                     rule: "needs training.optimizer.momentum above 0 and training.optimizer.dampening 0", fix: "as in torch.optim.SGD")
        }
        let defaults = OptimizerConfiguration()
        for (key, value, standard) in [("beta1", beta1, defaults.beta1), ("beta2", beta2, defaults.beta2), ("eps", eps, defaults.eps)]
        where value != standard {
            throw ConfigurationError(setting: "training.optimizer.\(key)", value: value, rule: "is Adam's",
                                     fix: "train with training.optimizer.algorithm adam or adamw, or leave it out")
        }
        if amsgrad {
            throw ConfigurationError(setting: "training.optimizer.amsgrad", value: "true", rule: "is Adam's",
                                     fix: "train with training.optimizer.algorithm adam or adamw, or leave it out")
        }
    }
}
