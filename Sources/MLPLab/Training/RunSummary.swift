import Foundation

/// `summary.md` of a run folder: the configuration, the epochs, the results, per class.
enum RunSummary {
    static func markdown(run: TrainingRun, record: RunRecord, train: Evaluation, test: Evaluation, name: String) -> String {
        let model = run.model.configuration, training = run.configuration, sgd = training.optimizer
        func number(_ value: Double?) -> String {
            guard let value else { return "–" }
            return value.isFinite ? String(format: "%.4f", value) : (value.isNaN ? "nan" : "inf")
        }
        var lines: [String] = []
        lines.append("# Run \(name)")
        lines.append("")
        lines.append("- data: `\(record.data.source)` (\(record.imageWidth)×\(record.imageHeight), \(record.classNames.count) classes), \(run.split.train.count) train, \(run.split.validation.count) validation, \(run.split.test.count) test")
        lines.append("- model: \(model.shapeDescription), \(model.activation.rawValue), \(model.initialization.rawValue) init, \(model.parameterCount) parameters")
        lines.append("- SGD: lr \(sgd.learningRate), momentum \(sgd.momentum)\(sgd.nesterov ? " (nesterov)" : ""), dampening \(sgd.dampening), weight decay \(sgd.weightDecay); batch \(training.batchSize), \(training.epochs) epochs\(training.patience.map { ", patience \($0)" } ?? ""), seed \(training.seed), inputs \(training.inputScaling == .raw ? "raw 0…255" : "÷255")")
        lines.append("- machine: \(record.cpu); \(record.engine) (\(record.instructionSet)), \(training.threads) threads, products in \(run.precision.rawValue); MLPLab \(record.mlplabVersion)")
        lines.append("")
        lines.append("| epoch | loss | train acc (running) | validation acc | gradient norm | seconds |")
        lines.append("|---|---|---|---|---|---|")
        for epoch in run.history {
            lines.append("| \(epoch.epoch) | \(number(epoch.loss)) | \(number(epoch.trainAccuracy)) | \(number(epoch.validationAccuracy)) | \(number(epoch.gradientNorm)) | \(String(format: "%.2f", epoch.seconds)) |")
        }
        lines.append("")
        let kept = run.bestEpoch.map { "the weights of epoch \($0), best on validation (\(number(run.bestValidationAccuracy)))" } ?? "the weights after the last epoch"
        lines.append("**Train accuracy \(number(train.accuracy)), test accuracy \(number(test.accuracy))** with \(kept) (`model.safetensors`; `last.safetensors` holds the last epoch's).")
        if run.stoppedEarly { lines.append("Stopped early: validation accuracy did not improve for \(training.patience ?? 0) epochs.") }
        if let divergence = run.divergence {
            lines.append("")
            lines.append("**Diverged** in epoch \(divergence.epoch), batch \(divergence.batch): loss \(number(divergence.loss)). \(divergence.diagnosis)")
        }
        lines.append("")
        lines.append("| class | train acc | test acc | test images |")
        lines.append("|---|---|---|---|")
        for (c, className) in run.dataset.classNames.enumerated() {
            lines.append("| \(className) | \(number(train.perClassAccuracy[c])) | \(number(test.perClassAccuracy[c])) | \(test.total[c]) |")
        }
        lines.append("")
        lines.append("Charts: [loss](loss.svg), [per class](per-class.svg), [confusion](confusion.svg). Configuration: [config.json](config.json); per epoch: [metrics.jsonl](metrics.jsonl).")
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
