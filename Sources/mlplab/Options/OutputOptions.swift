import ArgumentParser

/// `--json`: the result as JSON on stdout, for pipes.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print the result as JSON on stdout instead of text (train: result.json's object, its lines going to stderr; runs: one object a line).")
    var json = false
}

/// `-o` and `--force` of a command that writes a folder of results: study, sweep.
struct ResultFolderOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Folder for the report and the run folders (default: report for study, sweep for sweep).", valueName: "folder"))
    var output: String?

    @Flag(help: "Write into the output folder even if it holds files MLPLab did not write (files of other names are left alone).")
    var force = false
}
