import Foundation
import ArgumentParser
import MLPLab

struct RunsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the run folders under folders (runs/ by default), as a table or JSON Lines.",
        discussion: """
            A run folder is a folder holding config.json, found at any depth (hidden folders and a run folder's own subfolders are skipped). Its status is finished, stopped (early stopping), diverged, running (no result.json, a live training holds its lock), interrupted (no result.json, no lock: 'mlplab train --resume' continues it) or damaged (a file cannot be read; the reason is printed below the table).

            Keys for --where and --sort: name, path, status, epochs_done; lr, momentum, weight_decay, nesterov, batch_size, epochs, seed, patience, precision, hidden, activation, data; test_accuracy, best_validation_accuracy, train_accuracy, training_seconds, best_epoch, samples_per_second; and any key path of config.json or result.json (training.optimizer.nesterov, model.initialization, split_sizes.train). = and != compare numbers as numbers (0.05 = 0.050), other values as text; < > <= >= need a number (lr>1e-3) and keep only runs whose value is one; a run without the key matches no condition on it. A condition or key that cannot be used exits with 64.

            Examples:
              mlplab runs
              mlplab runs report/runs --where momentum=0.9 --sort test_accuracy --reverse
              mlplab runs runs report/runs --where status!=finished --json
            """
    )

    @Argument(help: ArgumentHelp("Folders to search for run folders (default: runs).", valueName: "folder"))
    var folders: [String] = []

    @Option(name: .customLong("where"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Keep runs whose KEY compares so with VALUE (= != < > <= >=); repeat to require several. Quote it in the shell: --where 'test_accuracy>0.88'.", valueName: "KEY OP VALUE"))
    var conditions: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("Sort by this key (any --where key); runs without it come last.", valueName: "key"))
    var sort = "name"

    @Flag(help: "Sort from the largest value down.")
    var reverse = false

    @OptionGroup var output: JSONOption
    var json: Bool { output.json }

    func run() throws {
        let conditions = try asUsageError { try self.conditions.map(RunCondition.init(parsing:)) }
        let found = try RunCatalog(folders: folders.isEmpty ? ["runs"] : folders)
        let catalog = try asUsageError { try found.filtered(by: conditions).sorted(by: sort, reverse: reverse) }
        if json {
            for run in catalog.runs { print(run.json.line) }
            // stdout stays JSON Lines; what could not be searched goes to stderr.
            for note in catalog.unreadableNotes { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        } else {
            print(catalog.text)
        }
    }

    /// `body`, with a --where or --sort it cannot use (`RunQueryError`) as a usage error: exit 64
    /// and one line (a `ValidationError` would print the usage below it).
    private func asUsageError<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as RunQueryError {
            Terminal.error("Error: \(error)")
            throw ExitCode.validationFailure
        }
    }
}
