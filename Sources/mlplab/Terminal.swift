import Foundation
import MLPLab

/// Writing to the terminal: results to stdout, progress and notes to stderr.
enum Terminal {
    /// Whether stderr is a terminal (the live progress line is drawn only then).
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes a line that holds the library's text (a note, a diagnosis, an error) to stderr,
    /// with the settings it names by their keys shown as this tool's flags (`FlagNames`).
    static func note(_ text: String) {
        error(FlagNames.terminalText(text))
    }

    /// Draws `text` over the current stderr line (terminals only).
    static func status(_ text: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    /// A line for a run of a study or sweep that starts, over its status line, with the rank.
    static func runStarted(_ line: String) {
        clearStatus()
        error(Ranks.prefix + line)
    }

    /// After each batch of a study's or sweep's run: the fault-injection points of the tests
    /// (`FaultInjection`), then the status line.
    static func batchDone(_ epoch: Int, _ batch: Int, _ status: () -> String) {
        FaultInjection.check(epoch: epoch, batch: batch, rank: Ranks.rank)
        if stderrIsTerminal { self.status(status()) }
    }

    static func clearStatus() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// A progress line for training, redrawn at most ten times a second.
final class TrainingProgress {
    private let epochs: Int
    private let batchSize: Int
    private let clock = ContinuousClock()
    private var epochStart: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant

    init(epochs: Int, batchSize: Int) {
        self.epochs = epochs
        self.batchSize = batchSize
        epochStart = clock.now
        lastDraw = clock.now
    }

    func batch(epoch: Int, batch: Int, batchCount: Int) {
        guard Terminal.stderrIsTerminal else { return }
        let now = clock.now
        if batch == 1 { epochStart = now }
        guard now - lastDraw > .milliseconds(100) || batch == batchCount else { return }
        lastDraw = now
        let elapsed = (now - epochStart).seconds
        let rate = Double(batch * batchSize) / max(elapsed, 1e-9)
        let remaining = elapsed / Double(batch) * Double(batchCount - batch)
        Terminal.status("  epoch \(epoch)/\(epochs)  batch \(batch)/\(batchCount)  \(Format.grouped(rate)) samples/s  ETA \(Format.duration(remaining))")
    }
}

/// A progress bar on stderr for counted work (decoding images), drawn only on a terminal.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant
    private var drawn = false

    init(label: String) {
        self.label = label
        start = clock.now
        lastDraw = clock.now
    }

    func update(_ done: Int, of total: Int) {
        guard Terminal.stderrIsTerminal else { return }
        lock.withLock {
            let now = clock.now
            guard now - lastDraw > .milliseconds(100) || done == total else { return }
            lastDraw = now
            drawn = true
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let elapsed = (now - start).seconds
            let rate = Double(done) / max(elapsed, 1e-9)
            Terminal.status("  \(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total)  \(Format.grouped(rate))/s")
        }
    }

    func finish() {
        lock.withLock { if drawn { Terminal.clearStatus() } }
    }
}
