import Foundation
import MLPLab
import Testing

/// A checkpoint's state comes from a file: one that no training could have written is refused.
struct CheckpointTests {
    @Test("a checkpoint whose state is impossible is refused by name", arguments: [
        "best epoch", "step count", "history", "accuracy", "nan seconds", "huge seconds", "negative loss", "steps over samples",
        "divergence epoch", "best accuracy not its epoch's", "train accuracy", "negative norm",
    ])
    func impossibleStateIsRefused(change: String) throws {
        let dataset = SyntheticData.quadrants(count: 80)
        let split = try DatasetSplit.make(for: dataset, testFraction: 0.2, validationFraction: 0.1, seed: 1)
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [8], classCount: 4)
        var configuration = TrainingConfiguration()
        configuration.epochs = 2
        configuration.optimizer = OptimizerConfiguration(learningRate: 0.05, momentum: 0.9)
        let run = TrainingRun(dataset: dataset, split: split, model: model, configuration: configuration)
        try run.train()
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.safetensors").path
        var checkpoint = Checkpoint(run: run)
        try checkpoint.write(to: path, configuration: model)
        #expect(try Checkpoint(contentsOf: path, configuration: model, hasMomentum: true).state == checkpoint.state)
        switch change {
        case "best epoch": checkpoint.state.bestEpoch = 7
        case "step count": checkpoint.state.stepCount = .max
        case "history": checkpoint.state.history.swapAt(0, 1)
        case "nan seconds": checkpoint.state.history[0].seconds = .nan
        case "huge seconds": checkpoint.state.history[1].seconds = 1e300
        case "negative loss": checkpoint.state.history[0].loss = -1
        case "steps over samples": checkpoint.state.stepCount = checkpoint.state.samplesTrained + 1
        case "divergence epoch":
            checkpoint.state.divergence = try JSONCoding.decode(Divergence.self, from: Data("""
                {"epoch": 9, "batch": 1, "loss": "nan", "first_gradient_norm": 1, "last_finite_gradient_norm": 1, "diagnosis": ""}
                """.utf8))
        case "best accuracy not its epoch's": checkpoint.state.bestValidationAccuracy = 0.123456
        case "train accuracy": checkpoint.state.history[1].trainAccuracy = 1.5
        case "negative norm": checkpoint.state.firstGradientNorm = -2
        default: checkpoint.state.bestValidationAccuracy = 3
        }
        try checkpoint.write(to: path, configuration: model)
        #expect {
            try Checkpoint(contentsOf: path, configuration: model, hasMomentum: true)
        } throws: { error in
            guard case CheckpointError.badMetadata(path: path, key: "state", reason: _)? = error as? CheckpointError else { return false }
            return true
        }
    }

    /// A trained two-epoch run with momentum and validation, and its record; its checkpoint
    /// is written to the returned path.
    static func checkpointedRun() throws -> (record: RunRecord, path: String, checkpoint: TrainingCheckpoint) {
        let dataset = SyntheticData.quadrants(count: 80)
        var data = DataConfiguration()
        data.validationFraction = 0.1
        var training = TrainingConfiguration()
        training.epochs = 2
        training.optimizer = OptimizerConfiguration(learningRate: 0.05, momentum: 0.9)
        let record = RunRecord(data: data, dataset: dataset, model: ModelConfiguration(inputSize: 64, hiddenSizes: [8], classCount: 4),
                               training: training)
        let split = try DatasetSplit.make(for: dataset, data: data, seed: 1)
        let run = TrainingRun(dataset: dataset, split: split, model: record.model, configuration: training)
        try run.train()
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.safetensors").path
        let checkpoint = Checkpoint(run: run)
        try checkpoint.write(to: path, configuration: record.model)
        return (record, path, checkpoint)
    }

    @Test("a checkpoint is read against its run's config.json: tensors it does not call for and epochs beyond it are refused")
    func checkpointMustFitItsRecord() throws {
        let run = try Self.checkpointedRun()
        var record = run.record
        let path = run.path
        #expect(try TrainingCheckpoint(contentsOf: path, record: record).state.history.count == 2)
        // config.json edited to no momentum: the file's momentum tensors are not the run's.
        var noMomentum = record
        noMomentum.training.optimizer.momentum = 0
        #expect(throws: CheckpointError.unexpectedTensor(path: path, name: "momentum.layer1.weight")) {
            try TrainingCheckpoint(contentsOf: path, record: noMomentum)
        }
        // config.json edited to fewer epochs than the checkpoint holds.
        record.training.epochs = 1
        #expect {
            try TrainingCheckpoint(contentsOf: path, record: record)
        } throws: { error in
            guard case let CheckpointError.badMetadata(errorPath, "state", reason)? = error as? CheckpointError else { return false }
            return errorPath == path && reason.contains("2 epochs")
        }
        // … or to no validation split, while the checkpoint has validation accuracies.
        record.training.epochs = 2
        record.data.validationFraction = 0
        #expect(throws: CheckpointError.self) { try TrainingCheckpoint(contentsOf: path, record: record) }
    }
}
