import ArgumentParser
import MLPLab

struct RunsDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the settings in which two run folders differ, and both runs' final metrics.",
        discussion: """
            Settings are config.json's key paths; those that only record the run's circumstances (created, command, cpu, engine, instruction_set, mlplab_version, processes, and compute: the plan measured on the machine) are named apart. A damaged run is compared as far as its config.json reads, the damage named below, and the exit code is 1; a config.json that is not JSON at all leaves nothing to compare (one line, exit 1).

            Examples:
              mlplab runs diff runs/a runs/b
              mlplab runs diff report/runs/baseline-2f2c732ef9 report/runs/lr-0.128-momentum-0.9-4cb0331845
            """
    )

    @Argument(help: ArgumentHelp("The first run folder.", valueName: "run-a"))
    var first: String

    @Argument(help: ArgumentHelp("The second run folder.", valueName: "run-b"))
    var second: String

    func run() throws {
        let comparison = try RunComparison(first, second)
        for run in [comparison.first, comparison.second] where run.storedConfiguration == nil {
            Terminal.error(OneLine.escaped("Error: \(run.path): \(run.problem ?? "config.json cannot be read"); nothing to compare. Fix or restore its config.json."))
            throw ExitCode.failure
        }
        print(comparison.text)
        if comparison.first.status == .damaged || comparison.second.status == .damaged { throw ExitCode.failure }
    }
}
