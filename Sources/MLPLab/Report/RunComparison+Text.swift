/// `mlplab runs diff`'s text: the differing settings, then both runs' final metrics side by side.
extension RunComparison {
    /// The settings that differ (key path, then each run's value), the recorded-only ones that
    /// differ, and a table of both runs' status, epochs, accuracies, final loss and time.
    public var text: String {
        let names = [first.name, second.name]
        func cell(_ value: JSONValue?) -> String { value.map(\.description) ?? "unset" }
        var lines: [String] = []
        if differences.isEmpty {
            lines.append("The runs' settings are the same.")
        } else {
            lines.append(TextTable(header: ["setting"] + names, rows: differences.map { [$0.key, cell($0.first), cell($0.second)] }).text)
        }
        if !recordedDifferences.isEmpty {
            lines.append("recorded only (not compared): " + recordedDifferences.map(\.key).joined(separator: ", "))
        }
        lines.append("")
        let rows: [(String, (StoredRun) -> String)] = [
            ("status", { $0.status.rawValue }),
            ("epochs", { run in "\(run.epochs.count)/\(run.epochsAsked.map(String.init) ?? "?")" }),
            ("best validation accuracy", { Format.number($0.bestValidationAccuracy) }),
            ("best epoch", { $0.result?.bestEpoch.map(String.init) ?? "–" }),
            ("test accuracy", { Format.number($0.result?.testAccuracy) }),
            ("train accuracy", { Format.number($0.result?.trainAccuracy) }),
            ("final loss", { Format.number($0.epochs.last?.loss) }),
            ("training time", { Format.duration($0.trainingSeconds) }),
        ]
        lines.append(TextTable(header: ["metric"] + names, rows: rows.map { title, value in [title, value(first), value(second)] }).text)
        lines += [first, second].compactMap(\.damageNote)
        return lines.joined(separator: "\n")
    }
}
