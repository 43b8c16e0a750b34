import Foundation

/// A run's curves for TensorBoard: an event file in the run folder, appended while the run trains,
/// so that TensorBoard pointed at `runs` (or a study's `report/runs`) shows every run, also while
/// it trains.
///
/// Steps count batches from the run's start, as PyTorch's global_step. Tags, as PyTorch users
/// name them:
///
/// | tag | when | value |
/// |---|---|---|
/// | `loss/train` | every `lossInterval` batches of an epoch | mean loss of those batches |
/// | `loss/train_epoch`, `accuracy/train`, `accuracy/validation`, `learning_rate`, `gradient_norm` | each epoch's last batch | metrics.jsonl's values |
/// | `accuracy/test`, `accuracy/best_validation` | the run's last batch, when it finishes | result.json's |
///
/// Scalars are float32 (the format's `simple_value`, as `add_scalar` writes them): each equals
/// metrics.jsonl's Double rounded to float. The hyperparameters go in once, as the HParams
/// plugin's session start (TensorBoard's HParams tab tables them against the last value of
/// every tag), and the session's end (success, or failure when the run diverged) when it finishes.
///
/// Resume continues the same curve: opening the log of a run resumed after epoch k keeps the
/// events up to epoch k's last batch, drops the rest (written after the checkpoint the run
/// continues from) and the finished run's end-of-run values, and rewrites the file atomically
/// before training goes on; a run resumed without an event file, or with one damaged or cut
/// short, gets the finished epochs' values it lacks from its history. A `loss/train` window
/// never spans an epoch boundary, so the points after a resume are the ones an uninterrupted
/// run writes.
public final class TrainingEventLog {
    /// Batches per `loss/train` point (of an epoch; an epoch's last batches that fill no window
    /// are in its `loss/train_epoch` only).
    public static let lossInterval = 20

    /// The tags MLPLab writes.
    public enum Tag {
        public static let trainLoss = "loss/train"
        public static let epochLoss = "loss/train_epoch"
        public static let trainAccuracy = "accuracy/train"
        public static let validationAccuracy = "accuracy/validation"
        public static let learningRate = "learning_rate"
        public static let gradientNorm = "gradient_norm"
        public static let testAccuracy = "accuracy/test"
        public static let bestValidationAccuracy = "accuracy/best_validation"
        /// The HParams plugin's tags (tensorboard/plugins/hparams/metadata.py).
        public static let sessionStart = "_hparams_/session_start_info"
        public static let sessionEnd = "_hparams_/session_end_info"
        /// Written once a run finishes; dropped when a finished run is continued with more epochs.
        static let endOfRun: Set<String> = [testAccuracy, bestValidationAccuracy, sessionEnd]
    }

    /// The event file written.
    public let file: TensorBoardEventFile
    /// Batches in one epoch of the run.
    public let batchesPerEpoch: Int
    /// The step of the last batch logged (the resumed epoch's end when nothing was yet).
    public private(set) var step: Int64
    private var windowLoss = 0.0
    private var windowBatches = 0
    /// An append that failed inside `batch` (which cannot throw), thrown by the next `epoch`.
    private var failedAppend: (any Error)?

    /// Opens the event file of `run`, trained as `record` in `folder`: the folder's newest one
    /// (cut back to `run.history`'s epochs, see the type's notes) or a new one. Throws
    /// ``CheckpointError`` when the file cannot be read or written.
    public init(folder: RunFolder, record: RunRecord, run: TrainingRun) throws {
        let batchesPerEpoch = (run.split.train.count + record.training.batchSize - 1) / max(record.training.batchSize, 1)
        let step = Int64(run.history.count) * Int64(batchesPerEpoch)
        self.batchesPerEpoch = batchesPerEpoch
        self.step = step
        let now = Date().timeIntervalSince1970
        var kept: [TensorBoardEvent] = []
        let path: String
        if let (existing, events) = try Self.existingEvents(in: folder.path) {
            path = existing
            kept = events.compactMap { Self.kept($0, upTo: step) }
        } else {
            path = folder.path + "/" + TensorBoardEventFile.fileName(time: now)
        }
        // A finished epoch whose values the file lacks (a run resumed without an event file, made
        // before MLPLab wrote them or deleted, or with one damaged or cut short before that epoch,
        // whose events from the damage on cannot be read) gets the values it lacks from its
        // history, so that the curve has no gap; only that epoch's `loss/train` points are lost.
        // Value by value: a file cut short can end between two values of one epoch.
        let logged = Set(kept.flatMap { event in event.scalars.map { "\($0.tag)@\(event.step)" } })
        for (index, metrics) in run.history.enumerated() {
            let epochStep = Int64(index + 1) * Int64(batchesPerEpoch)
            kept += Self.epochEvents(metrics, step: epochStep, time: now).filter { event in
                event.scalars.contains { !logged.contains("\($0.tag)@\(epochStep)") }
            }
        }
        // In step order (the file version first), as an uninterrupted run writes them.
        kept = kept.enumerated().sorted { a, b in
            let first = a.element.isFileVersion ? -1 : a.element.step, second = b.element.isFileVersion ? -1 : b.element.step
            return first != second ? first < second : a.offset < b.offset
        }.map(\.element)
        kept.append(Self.sessionStart(record, time: now))
        file = try Self.inRunFolder { try TensorBoardEventFile(path: path, keeping: kept) }
    }

    /// The path and readable events of the newest event file in `folder`, nil when it has none.
    /// Throws `CheckpointError.damagedRunFile` when that file cannot be read: `Training.run` calls
    /// it before it changes the folder for a resume, so that such a file stops the resume before
    /// a finished run's result.json is removed.
    public static func existingEvents(in folder: String) throws -> (path: String, events: [TensorBoardEvent])? {
        guard let name = eventFiles(in: folder).last else { return nil }
        return (folder + "/" + name, try inRunFolder { try TensorBoardEventFile.events(contentsOf: folder + "/" + name).events })
    }

    /// The names of the event files in `folder`, sorted (TensorBoard reads them in that order).
    public static func eventFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter(TensorBoardEventFile.isEventFileName).sorted()
    }

    /// `event` as a resume keeps it: nil when it comes after `step`, is an end-of-run value or a
    /// session start (written again); other values of the same event kept.
    static func kept(_ event: TensorBoardEvent, upTo step: Int64) -> TensorBoardEvent? {
        guard case .summary(let values) = event.content else { return event }
        guard event.step <= step else { return nil }
        let left = values.filter { !Tag.endOfRun.contains($0.tag) && $0.tag != Tag.sessionStart }
        if left.isEmpty { return nil }
        var event = event
        event.content = .summary(left)
        return event
    }

    /// After each batch: `loss` is the batch's; every `lossInterval` batches of an epoch, their
    /// mean is appended as `loss/train`.
    public func batch(epoch: Int, batch: Int, loss: Double) {
        step = Int64(epoch - 1) * Int64(batchesPerEpoch) + Int64(batch)
        if batch == 1 { windowLoss = 0; windowBatches = 0 }
        windowLoss += loss
        windowBatches += 1
        guard windowBatches == Self.lossInterval else { return }
        let mean = windowLoss / Double(windowBatches)
        windowLoss = 0
        windowBatches = 0
        guard failedAppend == nil else { return }
        do { try file.append(.scalar(Tag.trainLoss, mean, step: step, wallTime: Date().timeIntervalSince1970)) } catch {
            failedAppend = error
        }
    }

    /// After each epoch: its metrics at its last batch, flushed to the disk. Throws the error of
    /// a failed append since the last epoch, or of these.
    public func epoch(_ metrics: EpochMetrics) throws {
        if let failedAppend { throw Self.inRunFolder(failedAppend) }
        try Self.inRunFolder {
            for event in Self.epochEvents(metrics, step: step, time: Date().timeIntervalSince1970) { try file.append(event) }
        }
        file.synchronize()
    }

    /// An epoch's values as events at `step`.
    static func epochEvents(_ metrics: EpochMetrics, step: Int64, time: Double) -> [TensorBoardEvent] {
        var values: [(String, Double)] = [(Tag.epochLoss, metrics.loss), (Tag.trainAccuracy, metrics.trainAccuracy)]
        if let validation = metrics.validationAccuracy { values.append((Tag.validationAccuracy, validation)) }
        values += [(Tag.learningRate, metrics.learningRate), (Tag.gradientNorm, metrics.gradientNorm)]
        return values.map { tag, value in .scalar(tag, value, step: step, wallTime: time) }
    }

    /// When the run finishes: test and best validation accuracy, and the session's end.
    public func finished(_ result: RunResult) throws {
        try Self.inRunFolder { try appendEnd(of: result) }
    }

    private func appendEnd(of result: RunResult) throws {
        let time = Date().timeIntervalSince1970
        try file.append(.scalar(Tag.testAccuracy, result.testAccuracy, step: step, wallTime: time))
        if let best = result.bestValidationAccuracy {
            try file.append(.scalar(Tag.bestValidationAccuracy, best, step: step, wallTime: time))
        }
        var end = ProtobufMessage()  // HParamsPluginData { version 0, session_end_info 4 { status 1, end_time_secs 2 } }
        end.append(4) { info in
            info.append(1, varint: result.divergence == nil ? 1 : 2)  // STATUS_SUCCESS, STATUS_FAILURE
            info.append(2, double: time)
        }
        try file.append(TensorBoardEvent(wallTime: time, step: step, content: .summary([
            .init(tag: Tag.sessionEnd, pluginName: "hparams", pluginContent: end.bytes)])))
        file.synchronize()
    }

    /// The hyperparameters TensorBoard's HParams tab shows, by the names PyTorch users give them.
    public static func hyperparameters(_ record: RunRecord) -> [(name: String, value: HyperparameterValue)] {
        let training = record.training, optimizer = training.optimizer
        var values: [(String, HyperparameterValue)] = [
            ("lr", .number(optimizer.learningRate)), ("momentum", .number(optimizer.momentum)),
            ("weight_decay", .number(optimizer.weightDecay)), ("dampening", .number(optimizer.dampening)),
            ("nesterov", .bool(optimizer.nesterov)), ("batch_size", .number(Double(training.batchSize))),
            ("epochs", .number(Double(training.epochs))), ("schedule", .string(training.schedule.rawValue)),
            ("hidden", .string(record.model.hiddenSizes.map(String.init).joined(separator: "-"))),
            ("activation", .string(record.model.activation.rawValue)),
            ("initialization", .string(record.model.initialization.rawValue)),
            ("input_scaling", .string(training.inputScaling.rawValue)), ("precision", .string(training.precision.rawValue)),
            ("seed", .number(Double(training.seed))), ("data", .string(record.data.source)),
        ]
        if let limit = record.data.trainLimit { values.append(("train_limit", .number(Double(limit)))) }
        return values
    }

    /// A hyperparameter's value as `google.protobuf.Value` carries it.
    public enum HyperparameterValue: Equatable, Sendable {
        case number(Double), string(String), bool(Bool)
    }

    /// The HParams plugin's session start for `record`: HParamsPluginData { version 0,
    /// session_start_info 3 { hparams 1 (map<string, Value>), start_time_secs 5 } }, the value
    /// carrying only metadata, as `torch.utils.tensorboard`'s `add_hparams` writes it.
    static func sessionStart(_ record: RunRecord, time: Double) -> TensorBoardEvent {
        var data = ProtobufMessage()
        data.append(3) { info in
            for (name, value) in hyperparameters(record) {
                info.append(1) { entry in  // a map entry: key 1, value 2
                    entry.append(1, string: name)
                    entry.append(2) { protobufValue in
                        switch value {
                        case .number(let number): protobufValue.append(2, double: number)
                        case .string(let text): protobufValue.append(3, string: text)
                        case .bool(let flag): protobufValue.append(4, varint: flag ? 1 : 0)
                        }
                    }
                }
            }
            info.append(5, double: time)
        }
        return TensorBoardEvent(wallTime: time, step: 0, content: .summary([
            .init(tag: Tag.sessionStart, pluginName: "hparams", pluginContent: data.bytes)]))
    }
}

extension TensorBoardEvent {
    /// Whether this is the file's version record, which comes first in a file.
    var isFileVersion: Bool {
        if case .fileVersion = content { return true }
        return false
    }
}

extension TrainingEventLog {
    /// Runs `body`, with an event file's error told as the run folder's (``CheckpointError``): a file
    /// that cannot be read is a damaged run file, whose message says what to do with it.
    static func inRunFolder<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw inRunFolder(error) }
    }

    /// `error` as the run folder's: ``EventFileError`` becomes ``CheckpointError``, others stay.
    static func inRunFolder(_ error: any Error) -> any Error {
        switch error as? EventFileError {
        case let .cannotRead(path, reason)?: return CheckpointError.damagedRunFile(path: path, reason: "it cannot be read (\(reason))")
        case let .cannotWrite(path, reason)?: return CheckpointError.cannotWrite(path: path, reason: reason)
        case nil: return error
        }
    }
}
