import Foundation
import MLPLab

/// Made-up run folders in every state `mlplab runs` tells apart, written through the library's
/// own JSON coding from real `RunRecord` and `RunResult` values (a short training on synthetic
/// data), plus hand-broken files for the damaged ones.
///
/// Under the root: `a` (finished, lr 0.05, test 0.8), `sweep/lr-0.1` (finished, lr 0.1, test 0.9),
/// `stopped` (early stopping, test 0.7), `diverged` (test 0.25), `interrupted` (1 epoch in
/// metrics.jsonl, a stale `.lock`), `running` (1 epoch; the caller holds its lock), `broken-config`
/// (config.json not JSON), `broken-result` (result.json with test accuracy 7), and two folders
/// that must not be listed: `.hidden/run` and `a/sub` (a run folder's own subfolder).
enum RunFolderFixtures {
    static let dataset = SyntheticData.quadrants(count: 400)

    static func record(learningRate: Double, epochs: Int = 2, patience: Int? = nil) -> RunRecord {
        var data = DataConfiguration()
        data.source = "quadrants"
        var training = TrainingConfiguration()
        training.epochs = epochs
        training.batchSize = 16
        training.patience = patience
        training.optimizer = OptimizerConfiguration(learningRate: learningRate, momentum: 0.9)
        return RunRecord(data: data, dataset: dataset, model: ModelConfiguration(inputSize: 64, hiddenSizes: [24], classCount: 4),
                         training: training)
    }

    /// A finished 2-epoch training at lr 0.05 and one at an absurd rate that diverges.
    static let trained: (finished: RunResult, diverged: RunResult) = {
        var raw = record(learningRate: 1e30)
        raw.training.inputScaling = .raw
        return (try! Training.run(record(learningRate: 0.05), on: dataset), try! Training.run(raw, on: dataset))
    }()

    /// Writes `value` in MLPLab's JSON to `file` of the folder at `path`, making the folder.
    static func write<T: Encodable>(_ value: T, _ file: RunFolder.File, in path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try JSONCoding.encode(value).write(to: URL(fileURLWithPath: path + "/" + file.rawValue))
    }

    /// Writes `epochs` as metrics.jsonl, one line each, as a training does.
    static func writeMetrics(_ epochs: [EpochMetrics], in path: String) throws {
        let lines = try epochs.map { try JSONCoding.string($0, pretty: false) + "\n" }.joined()
        try Data(lines.utf8).write(to: URL(fileURLWithPath: path + "/" + RunFolder.File.metrics.rawValue))
    }

    /// Writes a finished run: config.json, metrics.jsonl and result.json.
    static func writeFinished(_ result: RunResult, in path: String) throws {
        try write(result.record, .config, in: path)
        try writeMetrics(result.epochs, in: path)
        try write(result, .result, in: path)
    }

    /// Makes every folder under a new temporary root and returns the root's path.
    static func make(_ name: String = #function) throws -> String {
        let root = try TestSupport.temporaryDirectory(name).path
        var finished = trained.finished
        finished.testAccuracy = 0.8
        try writeFinished(finished, in: root + "/a")
        try write(finished.record, .config, in: root + "/a/sub")

        var other = trained.finished
        other.record.training.optimizer.learningRate = 0.1
        other.testAccuracy = 0.9
        try writeFinished(other, in: root + "/sweep/lr-0.1")
        try writeFinished(other, in: root + "/.hidden/run")

        var stopped = trained.finished
        stopped.record.training.patience = 1
        stopped.stoppedEarly = true
        stopped.epochs = Array(stopped.epochs.prefix(1))
        stopped.bestEpoch = 1
        stopped.bestValidationAccuracy = stopped.epochs[0].validationAccuracy
        stopped.testAccuracy = 0.7
        try writeFinished(stopped, in: root + "/stopped")

        var diverged = trained.diverged
        diverged.testAccuracy = 0.25
        try writeFinished(diverged, in: root + "/diverged")

        for name in ["interrupted", "running"] {
            try write(finished.record, .config, in: root + "/" + name)
            try writeMetrics(Array(finished.epochs.prefix(1)), in: root + "/" + name)
        }
        // A lock file left by a training that ended: no process holds it.
        _ = try FolderLock(path: root + "/interrupted")

        try FileManager.default.createDirectory(atPath: root + "/broken-config", withIntermediateDirectories: true)
        try Data("{ \"created\": ".utf8).write(to: URL(fileURLWithPath: root + "/broken-config/config.json"))
        var broken = finished
        broken.testAccuracy = 7
        try writeFinished(broken, in: root + "/broken-result")
        return root
    }
}
