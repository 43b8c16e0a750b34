import ArgumentParser
import Foundation
import MLPLab

extension Interrupt {
    /// `cancellingOnSignal(body)` as the tool shows it (rank 0 alone speaks): the first signal
    /// says that the command stops at the end of the batch; when it stopped, the status line is
    /// cleared, what `stopped` says is printed (nothing when it gives nil), and the exit code is 130.
    static func stoppingOnSignal<T>(_ stopped: () -> String?, _ body: () throws -> T) async throws -> T {
        do { return try await cancellingOnSignal(first: announce, body) } catch is CancellationError {
            Terminal.clearStatus()
            if Ranks.isLeader, let message = stopped() { Terminal.error(message) }
            throw ExitCode(130)
        }
    }

    /// "stopping at the end of this batch (Ctrl-C again to quit at once)…", on rank 0.
    static func announce(_ signal: Int32) {
        guard Ranks.isLeader else { return }
        Terminal.clearStatus()
        Terminal.error("stopping at the end of this batch (\(signal == SIGINT ? "Ctrl-C" : "SIGTERM") again to quit at once)…")
    }
}
