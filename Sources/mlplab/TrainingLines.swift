import Foundation
import MLPLab

/// What `train` prints while it trains: the set-up lines, a live progress line, one line per
/// epoch, the results. To stdout, or to stderr when stdout carries JSON.
final class TrainingLines {
    private let record: RunRecord
    private let dataset: Dataset
    private let folder: String
    private let toStderr: Bool
    private let progress: TrainingProgress
    private(set) var epochsDone = 0

    init(record: RunRecord, dataset: Dataset, folder: String, toStderr: Bool) {
        self.record = record
        self.dataset = dataset
        self.folder = folder
        self.toStderr = toStderr
        progress = TrainingProgress(epochs: record.training.epochs, batchSize: record.training.batchSize)
    }

    /// Prints one line; a path or name in it (a --run-dir holding a newline) is escaped, so
    /// each line stays one line.
    private func say(_ line: String) {
        let line = OneLine.escaped(line)
        if toStderr { Terminal.error(line) } else { print(line) }
    }

    func show(_ event: TrainingEvent) {
        let training = record.training
        switch event {
        case let .started(run, resumedAfterEpoch):
            epochsDone = resumedAfterEpoch
            let split = run.split
            say("data    \(dataset.name): \(split.train.count) train, \(split.validation.count) validation, \(split.test.count) test; \(dataset.imageWidth)×\(dataset.imageHeight), \(dataset.classCount) classes")
            say("model   \(record.modelDescription)")
            say("sgd     \(record.trainingDescription)")
            say("engine  \(record.engineDescription(precision: run.precision))")
            if let note = run.precisionNote { Terminal.note("note: --precision \(training.precision.rawValue): \(note)") }
            say("run     \(folder)\(resumedAfterEpoch > 0 ? "  (resuming after epoch \(resumedAfterEpoch))" : "")")
        case let .batch(epoch, batch, count):
            progress.batch(epoch: epoch, batch: batch, batchCount: count)
        case let .epoch(metrics):
            epochsDone = metrics.epoch
            Terminal.clearStatus()
            let validation = metrics.validationAccuracy.map { "  val acc \(Format.number($0))" } ?? ""
            let width = String(training.epochs).count
            say(String(format: "epoch %\(width)ld/%ld  loss %@  train acc %@%@  %.2f s", metrics.epoch, training.epochs,
                       Format.number(metrics.loss), Format.number(metrics.trainAccuracy), validation, metrics.seconds))
        case .finished:
            break
        }
    }

    func finish(_ result: RunResult) {
        say(String(format: "done    %.1f s training, %@ samples/s", result.trainingSeconds, Format.grouped(result.samplesPerSecond)))
        if let bestEpoch = result.bestEpoch, bestEpoch != result.epochs.count {
            say("        kept the weights of epoch \(bestEpoch) (best validation accuracy \(Format.number(result.bestValidationAccuracy)))\(result.stoppedEarly ? "; stopped early (--patience \(record.training.patience ?? 0))" : "")")
        }
        say("        train acc \(Format.number(result.trainAccuracy))  test acc \(Format.number(result.testAccuracy))")
        say("        \(folder)/summary.md")
    }

    /// How the run diverged, in one clause.
    func describe(_ divergence: Divergence) -> String {
        divergence.loss.isFinite
            ? "in epoch \(divergence.epoch) the loss exploded to \(String(format: "%.4g", divergence.loss)) at batch \(divergence.batch) (over 100 × ln \(dataset.classCount)) and the model ended the epoch no better than guessing"
            : "the loss became \(Format.number(divergence.loss)) in epoch \(divergence.epoch), batch \(divergence.batch)"
    }
}
