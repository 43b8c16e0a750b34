import Foundation

/// Where a study or sweep stands, as lines of text: a line when each run starts, and a status
/// line during a run with the time left estimated from the runs trained so far. A tool prints
/// the first and draws the second; `Study` and `Sweep` report to it through `onRunStart` and
/// `onBatch`.
public final class RunProgress {
    /// Runs planned in all.
    public let planned: Int
    private let clock = ContinuousClock()
    private var runStart: ContinuousClock.Instant
    private var finishedSeconds: [Double] = []
    private var current = (number: 0, label: "", epochs: 0)

    /// Progress over `planned` runs.
    public init(planned: Int) {
        self.planned = planned
        runStart = clock.now
    }

    /// Run `number` (from 1) starts, of `epochs` epochs; "[3/32] lr 0.1" (" (reused)" when its
    /// finished result is read back instead of trained).
    public func started(number: Int, label: String, epochs: Int, reused: Bool) -> String {
        if current.number > 0 { finishedSeconds.append((clock.now - runStart).seconds) }
        runStart = clock.now
        current = (number, label, epochs)
        return "[\(number)/\(planned)] \(label)\(reused ? " (reused)" : "")"
    }

    /// The status after batch `batch` of `batchCount` in epoch `epoch` of the current run, with
    /// the time the remaining runs will take at the mean of those trained so far (runs read
    /// back in under a second do not count); "?" before the first finishes.
    public func status(epoch: Int, batch: Int, batchCount: Int) -> String {
        let trained = finishedSeconds.filter { $0 > 1 }
        let perRun = trained.isEmpty ? nil : trained.reduce(0, +) / Double(trained.count)
        let eta = perRun.map { Format.duration($0 * Double(planned - current.number)) } ?? "?"
        return "  run \(current.number)/\(planned) \(current.label): epoch \(epoch)/\(current.epochs), batch \(batch)/\(batchCount)  ETA \(eta)"
    }
}
