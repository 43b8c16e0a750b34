import Foundation

/// Fault-injection points for tests of resume, read from the environment:
/// `MLPLAB_FAULT_KILL_AT=EPOCH:BATCH` makes the process kill itself with SIGKILL at that batch,
/// like a machine that dies; `MLPLAB_FAULT_INTERRUPT_AT=EPOCH:BATCH` sends it SIGINT, like Ctrl-C.
/// `mlplab train`, `sweep` and `study` check them (a sweep or study in each run it trains).
public enum FaultInjection {
    /// The point an environment variable names ("EPOCH:BATCH"), nil when unset or malformed.
    static func point(_ name: String) -> (epoch: Int, batch: Int)? {
        guard let text = ProcessInfo.processInfo.environment[name] else { return nil }
        let parts = text.split(separator: ":").compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    /// `MLPLAB_FAULT_KILL_AT`.
    static let killAt = point("MLPLAB_FAULT_KILL_AT")
    /// `MLPLAB_FAULT_INTERRUPT_AT`.
    static let interruptAt = point("MLPLAB_FAULT_INTERRUPT_AT")
    /// `MLPLAB_FAULT_RANK=R`: only rank R of an MPI job acts on the points above.
    static let rank = ProcessInfo.processInfo.environment["MLPLAB_FAULT_RANK"].flatMap { Int($0) }

    /// Acts on the points above at batch `batch` of epoch `epoch`, in the process of MPI rank
    /// `rank` (0 alone). Call it after every batch; it does nothing unless a variable is set.
    public static func check(epoch: Int, batch: Int, rank: Int = 0) {
        if let only = Self.rank, only != rank { return }
        if let killAt, killAt.epoch == epoch, killAt.batch == batch { kill(getpid(), SIGKILL) }
        if let interruptAt, interruptAt.epoch == epoch, interruptAt.batch == batch {
            kill(getpid(), SIGINT)
            // Let the signal handler cancel the task before the loop asks whether to stop.
            while !Task.isCancelled { usleep(1000) }
        }
    }
}
