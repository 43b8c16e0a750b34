import Foundation

/// What a training reports while it runs, in order: `started`, then `batch` after every step and
/// `epoch` after every finished epoch, and `finished` once, before result.json is written (so
/// that a report written then is in place when the folder counts as finished).
public enum TrainingEvent {
    /// The run is set up and about to train; `resumedAfterEpoch` is 0 for a new run.
    case started(TrainingRun, resumedAfterEpoch: Int)
    /// `batch` of `batchCount` steps of `epoch` (1-based) is done.
    case batch(epoch: Int, batch: Int, batchCount: Int)
    /// An epoch finished (and, in a run folder, its checkpoint is saved).
    case epoch(EpochMetrics)
    /// Training and evaluation are done.
    case finished(RunResult)
}

/// The one entry point that trains a configuration: `Training.run(record, on: dataset)`.
///
/// With a run folder it saves a checkpoint and metrics.jsonl after every epoch, appends the
/// curves to a TensorBoard event file as it goes (``TrainingEventLog``), continues from
/// the folder's checkpoint when the folder holds the same run, returns the stored result when
/// the run has finished already, and writes model.safetensors (the kept weights),
/// last.safetensors, the run's report (summary.md and charts) and result.json. Without one it
/// only trains and evaluates.
///
/// Cancel the task that runs it to stop: it stops after the current batch and throws
/// `CancellationError`; the folder's last checkpoint stays, and running it again continues.
public enum Training {
    /// Trains `record` on `dataset` and returns what it measured, calling `events` as it goes.
    ///
    /// With `folder`: returns the folder's result when it holds this run finished, continues from
    /// its checkpoint when it holds this run unfinished or the same run with fewer epochs (see
    /// `RunFolder.continueRun`), and throws ``CheckpointError`` when it holds another. Throws ``ConfigurationError`` for a record that fails `validate()`,
    /// `CheckpointError.dataMismatch` when the model does not fit `dataset`, ``ModelTooLargeError``
    /// when the training would not fit in memory, and `CancellationError` when the task is
    /// cancelled. An error `events` throws is rethrown, except for `.batch` events, whose errors
    /// are ignored. A stored finished result is returned without any event.
    ///
    /// With a `communicator` of more than one process, every rank calls it with the same record
    /// and data, and they train one model data-parallel (see ``DataParallel``); rank 0 alone passes
    /// the run folder, whose checkpoint it reads and shares. `events` come on every rank, with the
    /// same values; an error anywhere stops every rank (`DistributedError.otherRankFailed` on the
    /// others), so that none waits for the rest.
    ///
    /// With `folder` and a `report`, the run's report (``RunReport``: summary.md, loss.svg,
    /// per-class.svg, confusion.svg) is written when it finishes, before result.json; nil
    /// leaves it out.
    ///
    /// A record without a compute plan gets the one measured for this machine, whose timings
    /// are kept in `cacheDirectory` (``ComputePlan/measured(model:training:rows:processes:cacheDirectory:)``);
    /// with no cache directory it gets the standard plan.
    public static func run(_ record: RunRecord, on dataset: Dataset, in folder: RunFolder? = nil,
                           communicator: Communicator? = nil,
                           report: RunReport.Options? = RunReport.Options(),
                           cacheDirectory: String? = DatasetCache.defaultDirectory,
                           events: ((TrainingEvent) throws -> Void)? = nil) throws -> RunResult {
        let ranks = communicator.flatMap { $0.size > 1 ? $0 : nil }
        precondition(folder == nil || (ranks?.rank ?? 0) == 0, "Training.run: only rank 0 holds the run folder")
        if let ranks { try DataParallel.checkSameData(dataset, communicator: ranks) }
        if let result = try ranks.fromLeader({ try folder?.finishedResult(for: record) }) { return result }
        let split = try ranks.agreeing { () -> DatasetSplit in
            try folder?.checkSameData(record)
            try record.validate()
            guard record.model.inputSize == dataset.featureCount, record.model.classCount == dataset.classCount else {
                throw CheckpointError.dataMismatch(path: folder?.path ?? "the configuration",
                                                   reason: "it is for \(record.model.inputSize) inputs and \(record.model.classCount) classes, the data has \(dataset.featureCount) and \(dataset.classCount)")
            }
            let split = try DatasetSplit.make(for: dataset, data: record.data, seed: record.training.seed)
            try MemoryBudget.check(model: record.model, training: record.training, validation: !split.validation.isEmpty,
                                   trainingSamples: split.train.count, otherBytes: dataset.pixels.count)
            return split
        }
        // How the products run (rank 0's choice, for every rank): a run the folder holds
        // continues with its own plan (the standard one when it was recorded without); else the
        // record's, else the one measured for this machine.
        var record = record
        let rows = TrainingRun.stepRows(batchSize: record.training.batchSize, trainingSamples: split.train.count)
        var computeNote: String?
        record.compute = try ranks.fromLeader {
            if let stored = try folder?.readRecord(), stored.model == record.model {
                return stored.compute ?? ComputePlan.standard(model: stored.model, rows: rows)
            }
            if let compute = record.compute { return compute }
            let measured = ComputePlan.measuredReporting(model: record.model, training: record.training, rows: rows,
                                                         processes: ranks?.size ?? 1, cacheDirectory: cacheDirectory)
            computeNote = measured.problem.map { "\($0): this run trains with the standard plan (every weight [in, out])" }
            return measured.plan
        }
        let checkpoint = try ranks.agreeing {
            try folder.flatMap { folder in
                // An event file that cannot be read stops the run here, before a resume changes
                // the folder (a finished run's result.json removed): not half-way.
                _ = try TrainingEventLog.existingEvents(in: folder.path)
                return try startOrContinue(record, in: folder, trainingSamples: split.train.count)
            }
        }
        let run = TrainingRun(dataset: dataset, split: split, model: record.model, configuration: record.training,
                              compute: record.compute, communicator: ranks)
        run.computeNote = computeNote
        if let checkpoint { run.restore(checkpoint) }
        // A new run that starts from a file: rank 0 reads it (the others get its weights with
        // the state), and it must still hold the weights the record names.
        if checkpoint == nil, let source = record.training.initialWeights {
            try ranks.agreeing {
                guard (ranks?.rank ?? 0) == 0 else { return }
                let (weights, read) = try InitialWeights.read(source.path, for: record.model)
                guard read.fingerprint == source.fingerprint else {
                    throw CheckpointError.initialWeightsDoNotFit(path: source.path, reason: "its weights changed since the run was set up (fingerprint \(read.fingerprint), recorded \(source.fingerprint))")
                }
                run.model.load(pyTorchParameters: weights)
            }
        }
        try run.shareState()
        let log = try ranks.agreeing { try folder.map { try TrainingEventLog(folder: $0, record: record, run: run) } }
        try ranks.agreeing { try events?(.started(run, resumedAfterEpoch: run.history.count)) }
        try run.train(onBatch: { epoch, batch, count in
                          log?.batch(epoch: epoch, batch: batch, loss: run.lastBatchLoss)
                          try? events?(.batch(epoch: epoch, batch: batch, batchCount: count))
                      },
                      onEpoch: { metrics in
                          try ranks.agreeing {
                              // The curve first: a run killed before its checkpoint drops this
                              // epoch's points on resume (TrainingEventLog) and writes them again.
                              try log?.epoch(metrics)
                              try folder?.saveCheckpoint(run, record: record)
                              try events?(.epoch(metrics))
                          }
                      })
        // The last weights go to last.safetensors first; then the kept (best-on-validation)
        // ones take their place for the evaluation and model.safetensors. No copy is held.
        let resized = record.data.imageFolder.resize != nil
        try ranks.agreeing { try folder?.writeModel(run, resized: resized, as: .lastModel) }
        run.useBestParameters()
        try ranks.agreeing { try folder?.writeModel(run, resized: resized, as: .model) }
        let train = try run.evaluate(split.train)
        let test = try run.evaluate(split.test)
        let result = RunResult(
            runFolder: folder?.path, record: record, splitSizes: split.sizes, epochs: run.history,
            trainAccuracy: train.accuracy, testAccuracy: test.accuracy,
            bestValidationAccuracy: run.bestValidationAccuracy, bestEpoch: run.bestEpoch, stoppedEarly: run.stoppedEarly,
            divergence: run.divergence, trainPerClass: train.perClassAccuracy, testPerClass: test.perClassAccuracy,
            testConfusion: test.confusion, trainingSeconds: run.trainingSeconds, samplesPerSecond: run.samplesPerSecond,
            productPrecision: run.precision,
            nonZeroParameters: run.model.parameters.buffer.reduce(0) { $0 + ($1 != 0 ? 1 : 0) },
            parameterCount: run.model.parameters.count)
        try ranks.agreeing {
            try log?.finished(result)
            if let report, let folder { try RunReport.write(result, to: folder, options: report) }
            try events?(.finished(result))
            try folder?.writeJSON(result, to: .result)
        }
        return result
    }

    /// Writes `record` to a folder without one; else the checkpoint to continue from (nil when
    /// the run has none yet), after checking that the folder holds this run (or the same run
    /// with fewer epochs, `RunFolder.continueRun`).
    private static func startOrContinue(_ record: RunRecord, in folder: RunFolder, trainingSamples: Int) throws -> TrainingCheckpoint? {
        guard let stored = try folder.readRecord() else {
            try folder.writeJSON(record, to: .config)
            return nil
        }
        if record.continues(stored) {
            return try folder.continueRun(stored, as: record, trainingSamples: trainingSamples)
        }
        if let difference = stored.firstDifference(from: record, epochsLast: true) {
            throw CheckpointError.configurationDiffers(path: folder.path, field: difference.field, stored: difference.stored, given: difference.given)
        }
        return try folder.readCheckpoint(for: stored, trainingSamples: trainingSamples)
    }
}

extension RunFolder {
    /// The result of a finished run in this folder, if it has one for exactly `record`'s
    /// configuration and data (marked `reused`). Throws when result.json is damaged (see `readResult`).
    public func finishedResult(for record: RunRecord) throws -> RunResult? {
        guard var result = try readResult(),
              result.record.firstDifference(from: record) == nil else { return nil }
        result.reused = true
        result.runFolder = path
        return result
    }

    /// Saves the state after an epoch: the checkpoint (marked with `record`'s key, see
    /// `RunRecord.checkpointKey`), then metrics.jsonl rewritten from the run's history (so it
    /// always matches the checkpoint, also after a resume).
    public func saveCheckpoint(_ run: TrainingRun, record: RunRecord) throws {
        try TrainingCheckpoint.write(run, record: record, to: path(of: .checkpoint))
        try writeJSONLines(run.history, to: .metrics)
    }

    /// Writes the run's current weights as a model file (`.model` or `.lastModel`); `resized`:
    /// the run's data was resized, which the file records so that `predict` resizes too.
    public func writeModel(_ run: TrainingRun, resized: Bool = false, as file: File) throws {
        try ModelFile.write(run.model, dataset: run.dataset, scaling: run.configuration.inputScaling, resized: resized, to: path(of: file))
    }
}
