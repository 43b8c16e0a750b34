import ArgumentParser
import MLPLab

struct RunsDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the settings in which two run folders differ, and both runs' final metrics.",
        discussion: """
            Settings are config.json's key paths; those that only record the run's circumstances (created, command, cpu, engine, instruction_set, mlplab_version, processes, and compute: the plan measured on the machine) are named apart.

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
        print(try RunComparison(first, second).text)
    }
}
