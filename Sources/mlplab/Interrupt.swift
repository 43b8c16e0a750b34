import ArgumentParser
import Dispatch
import Foundation

/// Ctrl-C (SIGINT) or SIGTERM: the first cancels the task that trains, which stops at the next
/// safe point (after the current batch; the last checkpoint stays as it is) with
/// `CancellationError`; a second one exits at once. SIGTERM is what `kill`, Slurm's `scancel` and
/// time limit, and `mpirun` on Ctrl-C send every process before SIGKILL: a batch is short enough
/// to stop in the seconds they wait. Under MPI, rank 0 alone says so; the ranks agree to stop
/// after the same batch. Signals stay here, in the tool: the library only sees cancellation.
/// Once the command is over and the process only ends MPI (`finishing(with:)`), a signal exits
/// at once with the command's code: `mpirun` sends SIGTERM to the ranks still running when one
/// exits non-zero, and a rank that had stopped at its safe point must not then say 143.
enum Interrupt {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var task: UnsafeCurrentTask?
    nonisolated(unsafe) private static var requested = false
    nonisolated(unsafe) private static var finalCode: Int32?

    /// The command is over with `code`: from now on a signal exits with it at once.
    static func finishing(with code: Int32) {
        finalCode = code
    }

    /// Runs `body` in the current task, cancelling the task on the first SIGINT or SIGTERM.
    static func cancellingOnSignal<T>(_ body: () throws -> T) async throws -> T {
        task = withUnsafeCurrentTask { $0 }
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if let finalCode { exit(finalCode) }
                if requested { exit(128 + number) }
                requested = true
                if Ranks.isLeader {
                    Terminal.clearStatus()
                    Terminal.error("stopping at the end of this batch (\(number == SIGINT ? "Ctrl-C" : "SIGTERM") again to quit at once)…")
                }
                task?.cancel()
            }
            source.resume()
            sources.append(source)
        }
        return try body()
    }

    /// `cancellingOnSignal(body)`, and when a signal stopped it: the status line cleared, what
    /// `stopped` says printed (by rank 0 alone; nothing when it gives nil), and exit code 130.
    static func stoppingOnSignal<T>(_ stopped: () -> String?, _ body: () throws -> T) async throws -> T {
        do { return try await cancellingOnSignal(body) } catch is CancellationError {
            Terminal.clearStatus()
            if Ranks.isLeader, let message = stopped() { Terminal.error(message) }
            throw ExitCode(130)
        }
    }
}
