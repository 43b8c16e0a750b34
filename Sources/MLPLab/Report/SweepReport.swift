import Foundation

/// A sweep's report: `loss.svg` (every run's training loss), `accuracy.svg` (best validation
/// accuracy per run) and `sweep.md` (a table of the runs), written atomically into `directory`.
public enum SweepReport {
    /// Writes the report of `runs` into `directory`, which must exist; a file already there is
    /// replaced.
    public static func write(_ runs: [StudyRun], to directory: String) throws {
        let loss = LineChart(title: "training loss", yLabel: "mean training loss",
                             series: runs.map { .init(name: $0.label, values: $0.result.epochs.map(\.loss)) })
        var accuracy = BarChart(title: "best validation accuracy", valueLabel: "validation accuracy",
                                bars: runs.map { (label: $0.label, value: $0.result.bestValidationAccuracy ?? 0) })
        accuracy.format = { Format.number($0) }
        try AtomicFile.write(Data(loss.svg.utf8), to: directory + "/loss.svg")
        try AtomicFile.write(Data(accuracy.svg.utf8), to: directory + "/accuracy.svg")
        try AtomicFile.write(Data(markdown(runs).utf8), to: directory + "/sweep.md")
    }

    /// Writes the report into `folder` as `write` does, unless this process shares the folder
    /// (`ReportFolder.sharedWith`) and another process already wrote the report of these runs
    /// there (sweep.md is the one `runs` give; the charts are drawn from the same runs). Returns
    /// whether it wrote. Call `ReportFolder.claim` first, so that no other process writes
    /// meanwhile.
    public static func writeOnce(_ runs: [StudyRun], into folder: ReportFolder) throws -> Bool {
        if folder.sharedWith != nil, let written = FileManager.default.contents(atPath: folder.path + "/sweep.md"),
           written == Data(markdown(runs).utf8) { return false }
        try write(runs, to: folder.path)
        return true
    }

    /// sweep.md: a Markdown table of the runs, with each run's folder.
    static func markdown(_ runs: [StudyRun]) -> String {
        var lines = ["| run | final loss | best val acc | test acc | status | folder |", "|---|---|---|---|---|---|"]
        for (run, cells) in zip(runs, table(runs).rows) {
            lines.append("| " + (cells.map(Markdown.escape) + [Markdown.escape(run.result.runFolder ?? "")]).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each run's final loss, best validation and test accuracy, and status.
    public static func table(_ runs: [StudyRun]) -> TextTable {
        TextTable(header: ["run", "final loss", "best val", "test acc", "status"], rows: runs.map {
            [$0.label, Format.number($0.result.finalLoss), Format.number($0.result.bestValidationAccuracy),
             Format.number($0.result.testAccuracy), status($0.result)]
        })
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
