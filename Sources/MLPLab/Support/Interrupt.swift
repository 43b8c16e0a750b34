import Dispatch
import Foundation

/// Stopping a training at a safe point on Ctrl-C (SIGINT) or SIGTERM: the first signal cancels
/// the task that trains, which stops after the current batch with `CancellationError` (the last
/// checkpoint stays as it is, and running again continues); a second one exits at once.
///
/// SIGTERM is what `kill`, Slurm's `scancel` and time limit, and `mpirun` on Ctrl-C send every
/// process before SIGKILL: a batch is short enough to stop in the seconds they wait. Under MPI
/// the ranks agree to stop after the same batch (`DataParallel`, `RunStore`).
///
/// Nothing here runs unless called: a program that wants these semantics wraps its training in
/// `cancellingOnSignal`, as `mlplab` does. Once the program's work is over and it only ends MPI,
/// `finishing(with:)` makes a signal exit at once with the program's code: `mpirun` sends
/// SIGTERM to the ranks still running when one exits non-zero, and a rank that had stopped at
/// its safe point must not then report 143.
public enum Interrupt {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var task: UnsafeCurrentTask?
    nonisolated(unsafe) private static var requested = false
    nonisolated(unsafe) private static var finalCode: Int32?

    /// The program's work is over with `code`: from now on a signal exits with it at once.
    public static func finishing(with code: Int32) {
        finalCode = code
    }

    /// Runs `body` in the current task, cancelling the task on the first SIGINT or SIGTERM,
    /// after calling `first` with the signal's number (to say that it stops; a second signal
    /// exits at once with 128 + its number).
    public static func cancellingOnSignal<T>(first: @escaping (Int32) -> Void = { _ in }, _ body: () throws -> T) async throws -> T {
        task = withUnsafeCurrentTask { $0 }
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if let finalCode { exit(finalCode) }
                if requested { exit(128 + number) }
                requested = true
                first(number)
                task?.cancel()
            }
            source.resume()
            sources.append(source)
        }
        return try body()
    }
}
