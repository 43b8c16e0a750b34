import Foundation
import MLPLab
import Testing

/// A checkpoint's state comes from a file: one that no training could have written is refused.
struct CheckpointTests {
    @Test("a checkpoint whose state is impossible is refused by name", arguments: ["best epoch", "step count", "history", "accuracy"])
    func impossibleStateIsRefused(change: String) throws {
        let dataset = SyntheticData.quadrants(count: 80)
        let split = try DatasetSplit.make(for: dataset, testFraction: 0.2, validationFraction: 0.1, seed: 1)
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [8], classCount: 4)
        var configuration = TrainingConfiguration()
        configuration.epochs = 2
        configuration.optimizer = SGDConfiguration(learningRate: 0.05, momentum: 0.9)
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
}
