import Foundation
import MLPLab

/// Prints what `train` says while it trains (the library's `TrainingLines`, settings shown as
/// flags), with a live progress line: to stdout, or to stderr when stdout carries JSON.
final class TrainingPrinter {
    let lines: TrainingLines
    private let toStderr: Bool
    private let progress: TrainingProgress
    private(set) var epochsDone = 0

    init(record: RunRecord, dataset: Dataset, folder: String, toStderr: Bool) {
        lines = TrainingLines(record: record, dataset: dataset, folder: folder)
        self.toStderr = toStderr
        progress = TrainingProgress(epochs: record.training.epochs, batchSize: record.training.batchSize)
    }

    func say(_ line: String) {
        if toStderr { Terminal.error(line) } else { print(line) }
    }

    func show(_ event: TrainingEvent) {
        switch event {
        case let .started(run, resumedAfterEpoch):
            epochsDone = resumedAfterEpoch
            lines.notes(for: run).forEach(Terminal.note)
        case let .batch(epoch, batch, count):
            progress.batch(epoch: epoch, batch: batch, batchCount: count)
        case let .epoch(metrics):
            epochsDone = metrics.epoch
            Terminal.clearStatus()
        case .finished:
            break
        }
        lines.lines(for: event).forEach(say)
    }
}
