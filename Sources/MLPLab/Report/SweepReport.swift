import Foundation

/// A sweep's report: `loss.svg` (every run's training loss), `accuracy.svg` (best validation
/// accuracy per run) and `sweep.md` (a table of the runs), written atomically into `directory`.
public enum SweepReport {
    public static func write(_ runs: [StudyRun], to directory: String) throws {
        let loss = LineChart(title: "training loss", yLabel: "mean training loss",
                             series: runs.map { .init(name: $0.label, values: $0.result.epochs.map(\.loss)) })
        var accuracy = BarChart(title: "best validation accuracy", valueLabel: "validation accuracy",
                                bars: runs.map { (label: $0.label, value: $0.result.bestValidationAccuracy ?? 0) })
        accuracy.format = { Format.number($0) }
        try AtomicFile.write(Data(loss.svg.utf8), to: directory + "/loss.svg")
        try AtomicFile.write(Data(accuracy.svg.utf8), to: directory + "/accuracy.svg")
        var table = ["| run | final loss | best val acc | test acc | status | folder |", "|---|---|---|---|---|---|"]
        for run in runs {
            let result = run.result
            table.append("| \(Markdown.escape(run.label)) | \(Format.number(result.finalLoss)) | \(Format.number(result.bestValidationAccuracy)) | \(Format.number(result.testAccuracy)) | \(status(result)) | \(Markdown.escape(result.runFolder ?? "")) |")
        }
        try AtomicFile.write(Data((table.joined(separator: "\n") + "\n").utf8), to: directory + "/sweep.md")
    }

    /// "ok" or "diverged in epoch 3".
    public static func status(_ result: RunResult) -> String {
        result.divergence.map { "diverged in epoch \($0.epoch)" } ?? "ok"
    }

    /// The run with the best validation accuracy.
    public static func best(_ runs: [StudyRun]) -> StudyRun? {
        runs.max { ($0.result.bestValidationAccuracy ?? 0) < ($1.result.bestValidationAccuracy ?? 0) }
    }
}
