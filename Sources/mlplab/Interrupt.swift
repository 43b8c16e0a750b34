import Dispatch
import Foundation

/// Ctrl-C during training: the first asks the loop to stop at the next safe point (after the
/// current batch; the last checkpoint stays as it is); a second one exits at once.
enum Interrupt {
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        /// Sets the flag; returns whether it was set already.
        func set() -> Bool { lock.withLock { defer { value = true }; return value } }
    }

    static let requested = Flag()
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    static func install() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if requested.set() { exit(130) }
            Terminal.clearStatus()
            Terminal.error("stopping at the end of this batch (Ctrl-C again to quit at once)…")
        }
        source.resume()
        Interrupt.source = source
    }
}

/// Fault-injection points for tests of resume, read from the environment:
/// `MLPLAB_FAULT_KILL_AT=EPOCH:BATCH` makes the process kill itself with SIGKILL at that batch,
/// like a machine that dies; `MLPLAB_FAULT_INTERRUPT_AT=EPOCH:BATCH` sends it SIGINT, like Ctrl-C.
enum FaultInjection {
    static func point(_ name: String) -> (epoch: Int, batch: Int)? {
        guard let text = ProcessInfo.processInfo.environment[name] else { return nil }
        let parts = text.split(separator: ":").compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    static let killAt = point("MLPLAB_FAULT_KILL_AT")
    static let interruptAt = point("MLPLAB_FAULT_INTERRUPT_AT")

    static func check(epoch: Int, batch: Int) {
        if let killAt, killAt.epoch == epoch, killAt.batch == batch { kill(getpid(), SIGKILL) }
        if let interruptAt, interruptAt.epoch == epoch, interruptAt.batch == batch {
            kill(getpid(), SIGINT)
            // Let the signal handler run before the loop asks whether to stop.
            while !Interrupt.requested.isSet { usleep(1000) }
        }
    }
}
