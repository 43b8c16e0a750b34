import ArgumentParser

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List run folders with their settings, status and results, or compare two.",
        discussion: """
            'mlplab runs [FOLDER…]' is 'mlplab runs list [FOLDER…]'; to list a folder named 'list' or 'diff', write 'mlplab runs list diff'. Only config.json, result.json, metrics.jsonl and the folder's lock are read: nothing is written, and a training may be running meanwhile.

            Examples:
              mlplab runs
              mlplab runs report/runs --where lr=0.128 --sort test_accuracy --reverse
              mlplab runs diff runs/a runs/b
            """,
        subcommands: [RunsListCommand.self, RunsDiffCommand.self],
        defaultSubcommand: RunsListCommand.self
    )
}
