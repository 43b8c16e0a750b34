import Foundation

/// A run folder's report, drawn from its ``RunResult`` alone: `loss.svg` (loss and accuracy per
/// epoch), `per-class.svg` (the assignment's train-vs-test bars), `confusion.svg` and
/// `summary.md`. Every file is written atomically.
public enum RunReport {
    /// What a run's report holds beside its result.
    public struct Options: Sendable {
        /// Every file `data.image_folder.skip_unreadable` left out of the data, listed in summary.md.
        public var skippedFiles: [ImageFolderReport.SkippedFile]
        /// The names to show settings by in summary.md (a tool's flags); nil for the
        /// configuration's keys (`training.optimizer.learning_rate`).
        public var settingNames: SettingNames?

        /// A report listing `skippedFiles` and naming settings by `settingNames`.
        public init(skippedFiles: [ImageFolderReport.SkippedFile] = [], settingNames: SettingNames? = nil) {
            self.skippedFiles = skippedFiles
            self.settingNames = settingNames
        }
    }

    /// Writes the charts and summary.md of `result` into its run folder, as `options` says.
    public static func write(_ result: RunResult, to folder: RunFolder, options: Options = Options()) throws {
        let name = PathName.lastComponent(of: folder.path)
        try folder.write(Data(lossChart(result, name: name).svg.utf8), to: .lossChart)
        try folder.write(Data(perClassChart(result, name: name).svg.utf8), to: .perClassChart)
        let confusion = ConfusionMatrixChart(title: "\(name): test confusion matrix", classNames: result.record.classNames,
                                             counts: result.testConfusion)
        try folder.write(Data(confusion.svg.utf8), to: .confusionChart)
        try folder.write(Data(markdown(result, name: name, options: options).utf8), to: .summary)
    }

    /// Training loss, running train accuracy and validation accuracy per epoch.
    public static func lossChart(_ result: RunResult, name: String) -> LineChart {
        LineChart(title: "\(name): training loss and accuracy", yLabel: "loss / accuracy", series: [
            .init(name: "train loss", values: result.epochs.map(\.loss)),
            .init(name: "train accuracy", values: result.epochs.map(\.trainAccuracy)),
            .init(name: "validation accuracy", values: result.epochs.compactMap(\.validationAccuracy)),
        ].filter { !$0.values.isEmpty })
    }

    /// Train and test accuracy of each class, side by side.
    public static func perClassChart(_ result: RunResult, name: String) -> GroupedBarChart {
        GroupedBarChart(title: "\(name): accuracy of each class", categories: result.record.classNames,
                        series: [("train", result.trainPerClass), ("test", result.testPerClass)])
    }

    /// summary.md: the configuration, the epochs, the results, per class, and every file
    /// `data.image_folder.skip_unreadable` skipped (`options.skippedFiles`), with why; settings
    /// named by `options.settingNames`.
    public static func markdown(_ result: RunResult, name: String, options: Options = Options()) -> String {
        let skipped = options.skippedFiles
        let named = { (text: String) in options.settingNames?.renamed(text) ?? text }
        let record = result.record, training = record.training
        let number = { (value: Double?) in Format.number(value) }
        let sizes = result.splitSizes
        var lines: [String] = []
        lines.append("# Run \(Markdown.escape(name))")
        lines.append("")
        lines.append("- data: \(Markdown.escape(record.data.source)) (\(record.imageWidth)×\(record.imageHeight), \(record.classNames.count) classes), \(sizes.train) train, \(sizes.validation) validation, \(sizes.test) test")
        lines.append("- model: \(record.modelDescription)")
        lines.append("- \(record.training.optimizer.isAdam ? "optimizer" : "SGD"): \(record.trainingDescription)")
        lines.append("- machine: \(record.cpu); \(record.engineDescription(precision: result.productPrecision)); MLPLab \(record.mlplabVersion)")
        lines.append("")
        lines.append("| epoch | loss | train acc (running) | validation acc | gradient norm | seconds |")
        lines.append("|---|---|---|---|---|---|")
        for epoch in result.epochs {
            lines.append("| \(epoch.epoch) | \(number(epoch.loss)) | \(number(epoch.trainAccuracy)) | \(number(epoch.validationAccuracy)) | \(number(epoch.gradientNorm)) | \(String(format: "%.2f", epoch.seconds)) |")
        }
        lines.append("")
        let kept = result.bestEpoch.map { "the weights of epoch \($0), best on validation (\(number(result.bestValidationAccuracy)))" } ?? "the weights after the last epoch"
        lines.append("**Train accuracy \(number(result.trainAccuracy)), test accuracy \(number(result.testAccuracy))** with \(kept) (`model.safetensors`; `last.safetensors` holds the last epoch's).")
        if result.stoppedEarly { lines.append("Stopped early: validation accuracy did not improve for \(Format.count(training.patience ?? 0, "epoch")).") }
        if let divergence = result.divergence {
            lines.append("")
            lines.append("**Diverged**: \(divergence.summary(classCount: record.classNames.count)). \(named(divergence.diagnosis))")
        }
        lines.append("")
        lines.append("| class | train acc | test acc | test images |")
        lines.append("|---|---|---|---|")
        for (c, className) in record.classNames.enumerated() {
            let images = c < result.testConfusion.count ? result.testConfusion[c].reduce(0, +) : 0
            lines.append("| \(Markdown.escape(className)) | \(number(result.trainPerClass[c])) | \(number(result.testPerClass[c])) | \(images) |")
        }
        lines.append("")
        if !skipped.isEmpty {
            lines.append(named("## Skipped files (data.image_folder.skip_unreadable)"))
            lines.append("")
            lines.append("\(skipped.count) file\(skipped.count == 1 ? "" : "s") of the data could not be read and \(skipped.count == 1 ? "was" : "were") left out:")
            lines.append("")
            lines.append("| file | reason |")
            lines.append("|---|---|")
            for file in skipped { lines.append("| \(Markdown.escape(file.path)) | \(Markdown.escape(file.reason)) |") }
            lines.append("")
        }
        lines.append("Charts: [loss](loss.svg), [per class](per-class.svg), [confusion](confusion.svg). Configuration: [config.json](config.json); per epoch: [metrics.jsonl](metrics.jsonl).")
        lines.append("")
        return lines.joined(separator: "\n")
    }
}

/// Text placed inside markdown: table cells and headings.
enum Markdown {
    /// Escapes what would break a line or a table cell, or be read as markup: `&`, `<` and `>`
    /// become entities (Markdown renders raw HTML, so a class named `<script>` would run), then
    /// backslashes and pipes get a backslash, then line breaks and control characters become
    /// visible escapes (``OneLine``: "\n", "\x1b").
    static func escape(_ text: String) -> String {
        let entities = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        return OneLine.escaped(entities.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|"))
    }
}
