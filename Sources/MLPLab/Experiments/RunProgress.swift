import Foundation

/// Where a study or sweep stands, as lines of text: a line when each run starts, a line for each
/// run another process sharing the folder holds or trained (`RunStore.SharingEvent`), and a
/// status line during a run with the time left estimated from the runs trained so far. A tool
/// prints the lines and draws the status; `observe` has a study's or sweep's ``RunStore`` report
/// to it.
public final class RunProgress {
    /// Runs planned in all.
    public let planned: Int
    private let clock = ContinuousClock()
    private var runStart: ContinuousClock.Instant
    private var finishedSeconds: [Double] = []
    private var current = (number: 0, label: "", epochs: 0)
    /// The runs started here or trained elsewhere so far, by number: the runs go longest first,
    /// so the current number does not say how many are left.
    private var seen: Set<Int> = []
    /// Whether the current run's time is still running (it is not when this process moved on
    /// to waiting for another's).
    private var runOpen = false

    /// Counts the current run's time as done, once.
    private func closeRun() {
        if runOpen { finishedSeconds.append((clock.now - runStart).seconds) }
        runOpen = false
    }

    /// Runs this process started training (new or continued), not reused or trained elsewhere.
    public private(set) var trainedHere = 0

    /// Progress over `planned` runs.
    public init(planned: Int) {
        self.planned = planned
        runStart = clock.now
    }

    /// Run `number` (from 1) starts, of `epochs` epochs; "[3/32] lr 0.1" (" (reused)" when its
    /// finished result is read back instead of trained).
    public func started(number: Int, label: String, epochs: Int, reused: Bool) -> String {
        closeRun()
        runStart = clock.now
        runOpen = true
        current = (number, label, epochs)
        seen.insert(number)
        return "[\(number)/\(planned)] \(label)\(reused ? " (reused)" : "")"
    }

    /// The line for what another process sharing the folder did with a run: "[3/32] lr 0.1
    /// (trained by another process)", "[3/32] lr 0.1: waiting for process 812, which holds it",
    /// "[3/32] lr 0.1: process 812 let go of it unfinished; continuing it here".
    public func line(for event: RunStore.SharingEvent) -> String {
        closeRun()
        switch event {
        case let .waiting(number, label, holder):
            return "[\(number)/\(planned)] \(label): waiting for process \(holder), which holds it"
        case let .trainedElsewhere(number, label):
            seen.insert(number)
            return "[\(number)/\(planned)] \(label) (trained by another process)"
        case let .takingOver(number, label, holder):
            return "[\(number)/\(planned)] \(label): process \(holder) let go of it unfinished; continuing it here"
        }
    }

    /// The status after batch `batch` of `batchCount` in epoch `epoch` of the current run, with
    /// the time the runs not yet started will take at the mean of those trained so far (runs
    /// read back in under a second do not count); "?" before the first finishes.
    public func status(epoch: Int, batch: Int, batchCount: Int) -> String {
        let trained = finishedSeconds.filter { $0 > 1 }
        let perRun = trained.isEmpty ? nil : trained.reduce(0, +) / Double(trained.count)
        let eta = perRun.map { Format.duration($0 * Double(max(planned - seen.count, 0))) } ?? "?"
        return "  run \(current.number)/\(planned) \(current.label): epoch \(epoch)/\(current.epochs), batch \(batch)/\(batchCount)  ETA \(eta)"
    }

    /// Has `store` report to this progress: `say` gets the line of each run that starts here
    /// (`started`) and of what another process sharing the folder does (`line(for:)`); `batch`
    /// gets (epoch, batch, the status line) after every batch, the status made only when asked
    /// for. Replaces the store's `onRunStart`, `onSharing` and `onBatch`.
    public func observe(_ store: RunStore, say: @escaping (String) -> Void,
                        batch: @escaping (_ epoch: Int, _ batch: Int, _ status: () -> String) -> Void) {
        store.onRunStart = { [unowned self] number, label, epochs, reused in
            if !reused { trainedHere += 1 }
            say(started(number: number, label: label, epochs: epochs, reused: reused))
        }
        store.onSharing = { [unowned self] event in say(line(for: event)) }
        store.onBatch = { [unowned self] epoch, index, count in
            batch(epoch, index) { self.status(epoch: epoch, batch: index, batchCount: count) }
        }
    }
}
