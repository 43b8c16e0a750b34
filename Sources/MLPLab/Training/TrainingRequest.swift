import Foundation

/// A training asked for: a new run in a folder of runs, or the continuation of a stored run, with
/// the settings given applied over the defaults (a new run) or over the stored run's record (a
/// resume, where settings left out keep the run's values). `Training.prepare` turns it into the
/// run folder, the record and the data that `Training.run` takes.
///
/// Settings are functions from a base configuration to the one to use, so that a caller says
/// only what it sets: `request.training = { var t = $0; t.epochs = 20; return t }`.
public struct TrainingRequest {
    /// The run folder to continue; nil for a new run.
    public var resume: String?
    /// The folder that holds a new run's folder.
    public var runDirectory = "runs"
    /// The new run's folder name; nil for the date and time.
    public var name: String?
    /// The command line recorded in a new run's config.json.
    public var command: [String]
    /// The data settings given, applied over the base.
    public var data: (DataConfiguration) -> DataConfiguration = { $0 }
    /// The training settings given, applied over the base (for a new run, the defaults on every
    /// core, shared among the processes a launcher started on this machine).
    public var training: (TrainingConfiguration) -> TrainingConfiguration = { $0 }
    /// The model settings given, applied over the base (for a new run, the default model for
    /// the data's input size and class count).
    public var model: (ModelConfiguration) -> ModelConfiguration = { $0 }
    /// A model file a new run starts from instead of drawing its weights (``InitialWeights``);
    /// nil draws them. A resumed run continues from its checkpoint: it takes none.
    public var initFrom: String?

    /// A new run with the defaults, recorded as made by `command`.
    public init(command: [String] = ["mlplab", "train"]) {
        self.command = command
    }
}

/// What `Training.prepare` made ready: the record to train, its data and, on rank 0, its folder.
public struct PreparedTraining {
    /// The run folder, opened and locked; nil on ranks other than 0.
    public var folder: RunFolder?
    /// The record to train: every rank has the same.
    public var record: RunRecord
    /// The data the record names.
    public var dataset: Dataset
    /// The images the data left out as unreadable (on the rank that loaded it with a report).
    public var skippedFiles: [ImageFolderReport.SkippedFile]
}

extension Training {
    /// Opens the run `request` asks for and loads its data with `load` (the data's settings and
    /// a thread count in; the data set and the images it skipped out).
    ///
    /// For a new run: checks the name, makes the folder after the data loaded (so a load that
    /// fails leaves no empty folder) and builds the record. For a resume: opens the stored run
    /// (waiting briefly for a training that is stopping there), applies the given settings over
    /// its record, and refuses a finished run that the settings do not train further
    /// (`RunFolder.checkUnfinished`). Differences from the stored run that cannot continue it
    /// are named later, by `Training.run`.
    ///
    /// With a `communicator` of more than one process, rank 0 alone does the above and shares
    /// the record; the other ranks load the data it names (with `load`) and get no folder.
    public static func prepare(_ request: TrainingRequest, communicator: Communicator? = nil,
                               load: (DataConfiguration, Int) throws -> (Dataset, [ImageFolderReport.SkippedFile])) throws -> PreparedTraining {
        let ranks = communicator.flatMap { $0.size > 1 ? $0 : nil }
        var prepared: PreparedTraining?
        var record = try ranks.fromLeader { () -> RunRecord in
            let made = try prepareHere(request, load: load)
            prepared = made
            return made.record
        }
        if let ranks { record.processes = ranks.size }
        let loaded = try ranks.agreeing { try prepared.map { ($0.dataset, $0.skippedFiles) } ?? load(record.data, record.training.threads) }
        return PreparedTraining(folder: prepared?.folder, record: record, dataset: loaded.0, skippedFiles: loaded.1)
    }

    private static func prepareHere(_ request: TrainingRequest,
                                    load: (DataConfiguration, Int) throws -> (Dataset, [ImageFolderReport.SkippedFile])) throws -> PreparedTraining {
        if let resume = request.resume {
            if let initFrom = request.initFrom {
                throw ConfigurationError(setting: "training.init_from", value: "'\(initFrom)'", rule: "starts a new run",
                                         fix: "a resumed run continues from its checkpoint: leave training.init_from out")
            }
            let (folder, stored) = try RunFolder.resuming(resume)
            let data = request.data(stored.data), training = request.training(stored.training)
            let (dataset, skipped) = try load(data, training.threads)
            let record = RunRecord(command: stored.command, data: data, dataset: dataset, model: request.model(stored.model), training: training)
            try folder.checkUnfinished(record)
            return PreparedTraining(folder: folder, record: record, dataset: dataset, skippedFiles: skipped)
        }
        var defaults = TrainingConfiguration()
        defaults.threads = Launch.detect().defaultThreads()
        let data = request.data(DataConfiguration()), training = request.training(defaults)
        let path = try RunFolder.pathForNewRun(in: request.runDirectory, name: request.name)
        let (dataset, skipped) = try load(data, training.threads)
        let model = request.model(ModelConfiguration(inputSize: dataset.featureCount, classCount: dataset.classCount))
        var record = RunRecord(command: request.command, data: data, dataset: dataset, model: model, training: training)
        // Read and checked against the model now, before there is a run folder.
        if let initFrom = request.initFrom {
            try model.validate()
            record.training.initialWeights = try InitialWeights.read(initFrom, for: model).source
        }
        let folder = try RunFolder.openForNewRun(at: path)
        return PreparedTraining(folder: folder, record: record, dataset: dataset, skippedFiles: skipped)
    }
}
