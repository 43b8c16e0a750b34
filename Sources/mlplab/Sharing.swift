/// The lines a study or sweep prints when it shares its output folder with another process
/// (a job array, a second terminal): see `ReportFolder.sharedWith` and `RunStore.runAll`.
enum Sharing {
    /// At the start, when another process holds the folder.
    static func note(_ output: String, holder: String) -> String {
        "\(output) is in use by process \(holder): sharing its runs (each run is trained once, by the process that takes it first; this one waits for the others' and continues any they let go of)"
    }

    /// At the end, before writing the report, while another process holds the folder.
    static func waitingNote(_ output: String, holder: String) -> String {
        "every run is done; waiting for process \(holder), which holds \(output), before writing the report"
    }
}
