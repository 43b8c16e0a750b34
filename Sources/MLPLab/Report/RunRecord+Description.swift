extension RunRecord {
    /// "784-588-392-196-10, relu, torch init, 771,466 parameters": for summary.md and `train`.
    public var modelDescription: String {
        "\(model.shapeDescription), \(model.activation.rawValue), \(model.initialization.rawValue) init, \(Format.grouped(Double(model.parameterCount))) parameters"
    }

    /// "lr 0.05 (cosine), momentum 0.9, weight decay 0.0005, batch 64, 40 epochs, patience 10,
    /// seed 1, inputs ÷255": every setting of the optimizer and the loop, for summary.md and `train`.
    public var trainingDescription: String {
        let sgd = training.optimizer
        return "lr \(sgd.learningRate)\(training.schedule == .constant ? "" : " (\(training.schedule.rawValue))"), momentum \(sgd.momentum)"
            + "\(sgd.nesterov ? " (nesterov)" : "")\(sgd.dampening != 0 ? ", dampening \(sgd.dampening)" : ""), weight decay \(sgd.weightDecay), "
            + "batch \(training.batchSize), \(training.epochs) epochs\(training.patience.map { ", patience \($0)" } ?? ""), seed \(training.seed), "
            + "inputs \(training.inputScaling == .raw ? "raw 0…255" : "÷255")"
    }

    /// "oneDNN 2.6.3 (avx2), 2 threads, products in f32".
    public func engineDescription(precision: Precision) -> String {
        let processes = self.processes.map { " × \($0) processes (data-parallel)" } ?? ""
        return "\(engine) (\(instructionSet)), \(training.threads) thread\(training.threads == 1 ? "" : "s")\(processes), products in \(precision.rawValue)"
    }
}
