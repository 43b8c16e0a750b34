import Foundation

/// What a training says as it goes, as lines of text: the set-up (data, model, optimizer,
/// engine, run folder), one line per epoch, and the results. `mlplab train` prints them; a Swift
/// program can print them too. Only `notes(for:)` names a setting, by its configuration key
/// (`training.precision`), as every library message does; the other lines hold the run's paths
/// and names as they are.
public struct TrainingLines: Sendable {
    /// The run's record.
    public var record: RunRecord
    /// The data set's name, image size and class count, as the set-up line gives them.
    public var dataName: String, imageWidth: Int, imageHeight: Int, classCount: Int
    /// The run folder's path, or nil for a training without one.
    public var folder: String?

    /// The lines of a training of `record` on `dataset`, saved in `folder`.
    public init(record: RunRecord, dataset: Dataset, folder: String?) {
        self.record = record
        dataName = dataset.name
        imageWidth = dataset.imageWidth
        imageHeight = dataset.imageHeight
        classCount = dataset.classCount
        self.folder = folder
    }

    /// The lines for `event`: set-up lines when it starts, one line per epoch, none otherwise.
    /// Paths and names are escaped (`OneLine`), so that each stays one line.
    public func lines(for event: TrainingEvent) -> [String] {
        switch event {
        case let .started(run, resumedAfterEpoch):
            let split = run.split
            var lines = [
                "data    \(dataName): \(split.train.count) train, \(split.validation.count) validation, \(split.test.count) test; \(imageWidth)×\(imageHeight), \(classCount) classes",
                "model   \(record.modelDescription)",
                "optim   \(record.trainingDescription)",
                "engine  \(record.engineDescription(precision: run.precision))",
            ]
            if let folder { lines.append("run     \(folder)\(resumedAfterEpoch > 0 ? "  (resuming after epoch \(resumedAfterEpoch))" : "")") }
            return lines.map(OneLine.escaped)
        case let .epoch(metrics):
            let epochs = record.training.epochs
            let validation = metrics.validationAccuracy.map { "  val acc \(Format.number($0))" } ?? ""
            let width = String(epochs).count
            return [String(format: "epoch %\(width)ld/%ld  loss %@  train acc %@%@  %.2f s", metrics.epoch, epochs,
                           Format.number(metrics.loss), Format.number(metrics.trainAccuracy), validation, metrics.seconds)]
        case .batch, .finished:
            return []
        }
    }

    /// Notes for the run's start: when its products do not run in the precision asked for, and
    /// when its compute plan could not be measured and kept (`TrainingRun.computeNote`).
    public func notes(for run: TrainingRun) -> [String] {
        [run.precisionNote.map { "note: training.precision \(record.training.precision.rawValue): \($0)" },
         run.computeNote.map { "note: \($0)" }].compactMap { $0 }
    }

    /// The lines after the run: speed, the weights kept, accuracies and where the summary is.
    public func lines(for result: RunResult) -> [String] {
        var lines = [String(format: "done    %.1f s training, %@ samples/s", result.trainingSeconds, Format.grouped(result.samplesPerSecond))]
        if let bestEpoch = result.bestEpoch, bestEpoch != result.epochs.count {
            let stopped = result.stoppedEarly ? "; stopped early (patience \(record.training.patience ?? 0))" : ""
            lines.append("        kept the weights of epoch \(bestEpoch) (best validation accuracy \(Format.number(result.bestValidationAccuracy)))\(stopped)")
        }
        lines.append("        train acc \(Format.number(result.trainAccuracy))  test acc \(Format.number(result.testAccuracy))")
        if let folder { lines.append("        \(folder)/\(RunFolder.File.summary.rawValue)") }
        return lines.map(OneLine.escaped)
    }

    /// How the run diverged and what to change, in one line.
    public func line(for divergence: Divergence) -> String {
        "\(divergence.summary(classCount: classCount)): \(divergence.diagnosis)"
    }
}

extension RunRecord {
    /// "784-588-392-196-10, relu, torch init, 771,466 parameters": for summary.md and `train`.
    public var modelDescription: String {
        "\(model.shapeDescription), \(model.activation.rawValue), \(model.initialization.rawValue) init, \(Format.grouped(Double(model.parameterCount))) parameters"
    }

    /// "lr 0.05 (cosine), momentum 0.9, weight decay 0.0005, batch 64, 40 epochs, patience 10,
    /// seed 1, inputs ÷255": every setting of the optimizer and the loop, for summary.md and `train`.
    public var trainingDescription: String {
        let sgd = training.optimizer
        let epochs = Format.count(training.epochs, "epoch")
        let patience = training.patience.map { ", patience \($0)" } ?? ""
        let rate = "lr \(sgd.learningRate)\(training.schedule == .constant ? "" : " (\(training.schedule.rawValue))")"
        let optimizer: String = sgd.isAdam
            ? "\(sgd.algorithm == .adamw ? "AdamW" : "Adam"), \(rate), betas \(sgd.beta1)/\(sgd.beta2), eps \(Format.significant(sgd.eps))"
                + "\(sgd.amsgrad ? ", AMSGrad" : ""), weight decay \(sgd.weightDecay)\(sgd.algorithm == .adamw ? " (decoupled)" : "")"
            : "\(rate), momentum \(sgd.momentum)"
                + "\(sgd.nesterov ? " (nesterov)" : "")\(sgd.dampening != 0 ? ", dampening \(sgd.dampening)" : ""), weight decay \(sgd.weightDecay)"
        let dropout = training.dropout.map { ", dropout \($0.map { "\($0)" }.joined(separator: ","))" } ?? ""
        let augment = training.augment.map { ", augment \($0.text)" } ?? ""
        return optimizer + ", batch \(training.batchSize), \(epochs)\(patience)\(dropout)\(augment), seed \(training.seed), "
            + "inputs \(training.inputScaling == .raw ? "raw 0…255" : "÷255")"
    }

    /// "oneDNN 2.6.3 (avx2), 2 threads, products in f32".
    public func engineDescription(precision: Precision) -> String {
        let processes = self.processes.map { " × \($0) processes (data-parallel)" } ?? ""
        return "\(engine) (\(instructionSet)), \(training.threads) thread\(training.threads == 1 ? "" : "s")\(processes), products in \(precision.rawValue)"
    }
}
