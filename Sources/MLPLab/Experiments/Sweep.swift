import Foundation

/// A sweep: every point of a ``SweepGrid`` trained in its own run folder under `directory`, named
/// by its configuration, so that running the same sweep again reuses finished runs and continues
/// an interrupted one. Cancel the task to stop at a safe point (`CancellationError`).
public final class Sweep {
    /// The trainings in the order `run()` trains them, learning rate varying fastest.
    public let points: [SweepGrid.Point]
    private let store: RunStore

    /// Called when a run starts: (run number, runs in all, label, reused?).
    public var onRunStart: ((Int, Int, String, Bool) -> Void)?
    /// Called after every batch of the current run: (epoch, batch, batches).
    public var onBatch: TrainingRun.BatchObserver? {
        get { store.onBatch }
        set { store.onBatch = newValue }
    }
    /// What every run's report holds beside its result (``RunStore/reportOptions``).
    public var reportOptions: RunReport.Options {
        get { store.reportOptions }
        set { store.reportOptions = newValue }
    }
    /// Runs trained by this sweep so far (new or continued from a checkpoint), by this process
    /// or by another sharing the folder (``RunStore/trained``).
    public var trained: Int { store.trained }
    /// Runs whose finished result was read back from an earlier sweep instead of trained.
    public var reused: Int { store.reused }

    /// The sweep of `grid` around `training` (its epochs, seed, threads) and a model of
    /// `hiddenSizes` (default: ¾, ½, ¼ of the input), on `dataset` as `data` describes it.
    public init(grid: SweepGrid, dataset: Dataset, data: DataConfiguration, hiddenSizes: [Int]? = nil,
                training: TrainingConfiguration, directory: String) {
        let model = ModelConfiguration(inputSize: dataset.featureCount, hiddenSizes: hiddenSizes, classCount: dataset.classCount)
        points = grid.points(model: model, training: training)
        store = RunStore(directory: directory, dataset: dataset, data: data)
    }

    /// The ranks to spread the runs over (`mpirun -np N mlplab sweep`); nil: this process
    /// trains every run. Every rank runs the same sweep and returns the same runs.
    public var communicator: Communicator? {
        get { store.communicator }
        set { store.communicator = newValue }
    }

    /// Called when another process sharing the run folders holds or has trained one of the
    /// sweep's runs (``RunStore/onSharing``).
    public var onSharing: ((RunStore.SharingEvent) -> Void)? {
        get { store.onSharing }
        set { store.onSharing = newValue }
    }

    /// Runs finished before this instant count as reused, later ones as trained by this sweep
    /// (``RunStore/reusedBefore``).
    public var reusedBefore: Date {
        get { store.reusedBefore }
        set { store.reusedBefore = newValue }
    }

    /// Trains (or reuses) every point, longest first, sharing them with any other process that
    /// runs a sweep on the same folder, or over the ranks of a `communicator`
    /// (``RunStore/runAll(_:)``). Returns the runs in the points' order.
    public func run() throws -> [StudyRun] {
        store.onRunStart = { [unowned self] number, label, _, reused in
            onRunStart?(number, points.count, label, reused)
        }
        return try store.runAll(points.map { RunStore.Request($0.label, model: $0.model, training: $0.training) })
    }
}
