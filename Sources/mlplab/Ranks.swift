import ArgumentParser
import Foundation
import MLPLab

/// The MPI job this process is part of, if any: started before the command runs when a launcher
/// (mpirun, srun) started the process (`Launch.detect`), never otherwise. Rank 0 prints results
/// and writes reports; the others print only the runs they train, prefixed with their rank.
///
/// `MLPLAB_MPI_PIECE=N` (for tests) makes every MPI call carry at most N elements instead of
/// 2³⁰ (`Communicator.piece`): a small model's layers then go in many pieces, as a layer of more
/// than 2³¹ floats does, which no test machine can hold.
enum Ranks {
    nonisolated(unsafe) static var communicator: Communicator?

    /// This process's rank (0 alone).
    static var rank: Int { communicator?.rank ?? 0 }
    /// Whether this process prints results and writes reports: rank 0, or a process alone.
    static var isLeader: Bool { rank == 0 }
    /// "rank 1: " on ranks other than 0; "" on rank 0 and alone.
    static var prefix: String { isLeader ? "" : "rank \(rank): " }

    /// Runs the command line in an MPI job or alone, and exits with its code. In a job, MPI is
    /// ended on every path, errors are printed by rank 0 (another rank prints only its own,
    /// prefixed), and what every rank agreed on (`otherRankFailed`) is not printed twice.
    static func main(_ command: MLPLabCommand.Type) async -> Never {
        let launch = Launch.detect()
        let piece = ProcessInfo.processInfo.environment["MLPLAB_MPI_PIECE"]
        let elements = piece.map { Int($0) ?? 0 } ?? 1 << 30
        guard (1...Int(Int32.max)).contains(elements) else {
            Terminal.error("Error: MLPLAB_MPI_PIECE is '\(piece ?? "")', not a whole number from 1 to \(Int32.max); unset it (it is for tests).")
            exit(1)
        }
        do { communicator = try Communicator.start(launch, piece: elements) } catch {
            Terminal.error("Error: cannot start MPI: \(error)")
            exit(1)
        }
        var code: Int32 = 0
        var parsing = true
        do {
            var parsed = try command.parseAsRoot()
            parsing = false
            if let communicator, communicator.size > 1, !(parsed is StudyCommand || parsed is SweepCommand || parsed is TrainCommand) {
                throw ValidationError("'\(type(of: parsed).configuration.commandName ?? "this command")' runs in one process; start it without mpirun or srun (study and sweep spread their runs over processes, train its batches).")
            }
            if parsed is TrainCommand, let tasks = Launch.tasksWithoutMPI() {
                // Every task gets here; the first alone says why.
                if ProcessInfo.processInfo.environment["SLURM_PROCID"].map({ $0 != "0" }) ?? false { throw ExitCode.validationFailure }
                throw ValidationError("srun started \(tasks) tasks without MPI, so each would train this model alone: add --mpi=pmix to srun, or start the tasks with mpirun.")
            }
            if var asynchronous = parsed as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try parsed.run()
            }
        } catch {
            code = command.exitCode(for: error).rawValue
            // The library names settings by their keys, the terminal by this tool's flags. Errors
            // from parsing and `validate()` are the tool's own text already (`checked` renders a
            // ConfigurationError with flags), as are help and version (code 0).
            let full = command.fullMessage(for: error)
            let message = parsing || code == 0 ? full : FlagNames.terminalMessage(for: error, full)
            let agreed = error as? DistributedError == .otherRankFailed || error is ValidationError || error is CleanExit
            if !message.isEmpty && (isLeader || !agreed) {
                if code == 0 { print(message) } else { Terminal.error(prefix + message) }
            }
        }
        Interrupt.finishing(with: code)
        communicator?.finish()
        exit(code)
    }
}
