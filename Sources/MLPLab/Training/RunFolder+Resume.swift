import Foundation

extension RunFolder {
    /// The record of the run in this folder, finished or not, read and checked like a typed
    /// configuration (resuming it from the command line fills the options left out from it). Throws when the
    /// folder holds no run.
    public func recordToResume() throws -> RunRecord {
        guard let record = try readRecord() else { throw CheckpointError.notARun(path: path) }
        return record
    }

    /// Opens the run folder at `path` to continue its run; a path that holds no run is an error
    /// (and no folder is made). A training that is stopping there (Ctrl-C, a killed `mpirun`)
    /// is given `FolderLock.stoppingHolderWait` to let go of the folder.
    public static func resuming(_ path: String) throws -> (folder: RunFolder, record: RunRecord) {
        guard FileManager.default.fileExists(atPath: path + "/" + File.config.rawValue) else { throw CheckpointError.notARun(path: path) }
        let folder = try RunFolder(path: path, waitingUpTo: FolderLock.stoppingHolderWait)
        return (folder, try folder.recordToResume())
    }

    /// Throws `CheckpointError.otherData` when this folder holds a run trained on data of another
    /// shape (image size or class count) than `record`'s, which was made from the data given
    /// now: continuing it on that data cannot work, and the error says which data it needs.
    /// A folder without a run passes.
    public func checkSameData(_ record: RunRecord) throws {
        guard let stored = try readRecord(),
              stored.imageWidth != record.imageWidth || stored.imageHeight != record.imageHeight
              || stored.classNames.count != record.classNames.count else { return }
        func describe(_ record: RunRecord) -> String {
            "'\(record.data.source)' (\(record.imageWidth)×\(record.imageHeight) images, \(record.classNames.count) class\(record.classNames.count == 1 ? "" : "es"))"
        }
        throw CheckpointError.otherData(path: path, trainedOn: describe(stored), given: describe(record), source: stored.data.source)
    }

    /// Throws `CheckpointError.alreadyFinished` when this folder holds `record`'s run finished:
    /// resuming it would train nothing. (`Training.run` returns such a result; the tool's
    /// resume asks for work and says what would give it some.)
    public func checkUnfinished(_ record: RunRecord) throws {
        guard let result = try finishedResult(for: record) else { return }
        throw CheckpointError.alreadyFinished(path: path, epochs: result.epochs.count,
                                              canContinue: record.training.schedule != .cosine && result.divergence == nil && !result.stoppedEarly)
    }

    /// Prepares this folder, which holds `stored`'s run, to train on as `record`: the same run
    /// with more epochs (`record.continues(stored)`). Returns the checkpoint to continue from
    /// (nil when no epoch was saved yet); `trainingSamples` as in `readCheckpoint`.
    ///
    /// The added epochs follow the run's schedule over the new total: with a constant rate the
    /// run is the one `record` would give from the start, bit for bit; with the step schedule the
    /// earlier epochs followed the old total. Refused, with the reason, when the result would
    /// not be a longer run of the same training: a cosine schedule (its rate fell to 0 over the
    /// old total; more epochs would raise it again midway), a run that diverged, and one that
    /// stopped early or would have (validation had not improved for `patience` epochs).
    ///
    /// The stored result.json is removed first (the run is unfinished again), then config.json
    /// is rewritten with `record`; model.safetensors stays until the longer run replaces it.
    public func continueRun(_ stored: RunRecord, as record: RunRecord, trainingSamples: Int? = nil) throws -> TrainingCheckpoint? {
        let done = stored.training.epochs
        func refuse(_ reason: String) -> CheckpointError {
            .cannotContinue(path: path, epochs: done, reason: reason)
        }
        if stored.training.schedule == .cosine {
            throw refuse("its cosine schedule lowered the rate to 0 over \(done) epoch\(done == 1 ? "" : "s"), and more epochs would raise it again midway: that is not the run training.epochs \(record.training.epochs) gives. Start a new run with training.epochs \(record.training.epochs) and another run.name")
        }
        let checkpoint = try readCheckpoint(for: stored, trainingSamples: trainingSamples)
        if let state = checkpoint?.state {
            if let divergence = state.divergence, !stored.training.continueOnNonFinite {
                throw refuse("it diverged in epoch \(divergence.epoch); more epochs would not train it. Start a new run with the change its diagnosis names")
            }
            if let patience = stored.training.patience, let best = state.bestEpoch,
               state.stoppedEarly || state.history.count - best >= patience {
                throw refuse("validation accuracy has not improved since epoch \(best), for \(patience) or more epochs (training.patience \(patience)), so a longer run stops where this one did. Start a new run with a larger training.patience")
            }
        }
        if contains(.result) {
            guard unlink(path(of: .result)) == 0 else {
                throw CheckpointError.cannotWrite(path: path(of: .result), reason: String(cString: strerror(errno)))
            }
        }
        try writeJSON(record, to: .config)
        return checkpoint
    }
}

extension RunRecord {
    /// Whether this record is `stored`'s run with more epochs, and nothing else changed: what
    /// resuming a run with more epochs asks for.
    public func continues(_ stored: RunRecord) -> Bool {
        var same = stored
        same.training.epochs = training.epochs
        return training.epochs > stored.training.epochs && same.firstDifference(from: self) == nil
    }
}
