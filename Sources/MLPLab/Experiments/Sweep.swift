import Foundation

/// A sweep: every point of a ``SweepGrid`` trained in its own run folder under `directory`, named
/// by its configuration, so that running the same sweep again reuses finished runs and continues
/// an interrupted one. Cancel the task to stop at a safe point (`CancellationError`).
public final class Sweep {
    /// The trainings in the order `run()` trains them, learning rate varying fastest.
    public let points: [SweepGrid.Point]
    /// The run folders the sweep trains in, and how: set its `communicator`, `reusedBefore`,
    /// `reportOptions`, `cacheDirectory` and observers (`onRunStart`, `onBatch`, `onSharing`;
    /// ``RunProgress/observe(_:say:batch:)`` sets all three) before `run()`. Its `trained` and
    /// `reused` count the runs.
    public let store: RunStore

    /// The sweep of `grid` around `training` (its epochs, seed, threads) and a model of
    /// `hiddenSizes` (default: ¾, ½, ¼ of the input), on `dataset` as `data` describes it.
    public init(grid: SweepGrid, dataset: Dataset, data: DataConfiguration, hiddenSizes: [Int]? = nil,
                training: TrainingConfiguration, directory: String) {
        let model = ModelConfiguration(inputSize: dataset.featureCount, hiddenSizes: hiddenSizes, classCount: dataset.classCount)
        points = grid.points(model: model, training: training)
        store = RunStore(directory: directory, dataset: dataset, data: data)
    }

    /// Trains (or reuses) every point, longest first, sharing them with any other process that
    /// runs a sweep on the same folder, or over the ranks of the store's `communicator`
    /// (``RunStore/runAll(_:)``). Returns the runs in the points' order.
    public func run() throws -> [StudyRun] {
        try store.runAll(points.map { RunStore.Request($0.label, model: $0.model, training: $0.training) })
    }
}
