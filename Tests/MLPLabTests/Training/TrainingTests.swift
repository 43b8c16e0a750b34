import Foundation
import MLPLab
import Testing

/// `Training.run`, the library's one entry point: events, run folders, resume, cancellation.
@Suite(.serialized)
struct TrainingTests {
    static let dataset = SyntheticData.quadrants(count: 400)

    static func record(epochs: Int = 3, learningRate: Double = 0.05) -> RunRecord {
        var data = DataConfiguration()
        data.source = "quadrants"
        var training = TrainingConfiguration()
        training.epochs = epochs
        training.batchSize = 16
        training.optimizer = OptimizerConfiguration(learningRate: learningRate, momentum: 0.9)
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [24], classCount: 4)
        return RunRecord(data: data, dataset: dataset, model: model, training: training)
    }

    @Test("events arrive in order: started, a batch after every step, an epoch after every epoch, finished once")
    func eventsInOrder() throws {
        var names: [String] = []
        let result = try Training.run(Self.record(), on: Self.dataset) { event in
            switch event {
            case .started: names.append("started")
            case .batch: if names.last != "batch" { names.append("batch") }
            case let .epoch(metrics): names.append("epoch \(metrics.epoch)")
            case .finished: names.append("finished")
            }
        }
        #expect(names == ["started", "batch", "epoch 1", "batch", "epoch 2", "batch", "epoch 3", "finished"])
        #expect(result.epochs.count == 3 && result.runFolder == nil && result.testAccuracy > 0.9)
    }

    @Test("cancelling the task stops after the batch with CancellationError; running again continues to the same model")
    func cancellationKeepsTheCheckpointAndResumes() async throws {
        let root = try TestSupport.temporaryDirectory().path
        let record = Self.record(), dataset = Self.dataset
        // Uninterrupted.
        let whole = try Training.run(record, on: dataset, in: try RunFolder(path: root + "/whole"))
        // Cancelled by its own task after epoch 1, then continued by a second call.
        let task = Task {
            try Training.run(record, on: dataset, in: try RunFolder(path: root + "/cut")) { event in
                if case let .epoch(metrics) = event, metrics.epoch == 1 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        let state = try TrainingCheckpoint(contentsOf: root + "/cut/checkpoint.safetensors", configuration: record.model, hasMomentum: true).state
        #expect(state.history.count == 1)
        #expect(!FileManager.default.fileExists(atPath: root + "/cut/result.json"))
        let resumed = try Training.run(record, on: dataset, in: try RunFolder(path: root + "/cut"))
        #expect(resumed.epochs == whole.epochs.map { var epoch = $0; epoch.seconds = resumed.epochs[$0.epoch - 1].seconds; return epoch })
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/whole/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: root + "/cut/model.safetensors"))
        #expect(a == b, "the resumed model differs from the uninterrupted one")
    }

    @Test("with dropout and augmentation, a run repeats bit for bit and, cancelled and run again, continues to the same model; config.json keeps them")
    func dropoutRepeatsAndResumes() async throws {
        let root = try TestSupport.temporaryDirectory().path
        var record = Self.record()
        record.training.dropout = [0.3]
        record.training.augment = Augmentation(flip: true, shift: 1)
        let dataset = Self.dataset
        let whole = try Training.run(record, on: dataset, in: try RunFolder(path: root + "/whole"))
        let again = try Training.run(record, on: dataset, in: try RunFolder(path: root + "/again"))
        #expect(whole.epochs.map(\.loss) == again.epochs.map(\.loss))
        var none = record
        none.training.dropout = nil
        let without = try Training.run(none, on: dataset)
        #expect(without.epochs.map(\.loss) != whole.epochs.map(\.loss), "dropout changes the training")
        none.training.augment = nil
        #expect(try Training.run(none, on: dataset).epochs.map(\.loss) != without.epochs.map(\.loss), "augmentation changes the training")
        let task = Task {
            try Training.run(record, on: dataset, in: try RunFolder(path: root + "/cut")) { event in
                if case let .epoch(metrics) = event, metrics.epoch == 1 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        _ = try Training.run(record, on: dataset, in: try RunFolder(path: root + "/cut"))
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/whole/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: root + "/cut/model.safetensors"))
        #expect(a == b, "the resumed model differs from the uninterrupted one")
        #expect(try RunFolder(path: root + "/whole").readRecord()?.training.dropout == [0.3])
        #expect(try RunFolder(path: root + "/whole").readRecord()?.training.augment == Augmentation(flip: true, shift: 1))
    }

    @Test("a folder holding another configuration is refused, naming the setting; a finished run is returned, not retrained")
    func resumeNamesTheSettingThatDiffers() throws {
        let root = try TestSupport.temporaryDirectory().path
        let first = try Training.run(Self.record(epochs: 1), on: Self.dataset, in: try RunFolder(path: root + "/r"))
        let again = try Training.run(Self.record(epochs: 1), on: Self.dataset, in: try RunFolder(path: root + "/r"))
        #expect(again.reused && again.testAccuracy == first.testAccuracy)
        #expect(throws: CheckpointError.configurationDiffers(path: root + "/r", field: "training.optimizer.learning_rate", stored: "0.05", given: "0.1")) {
            try Training.run(Self.record(epochs: 1, learningRate: 0.1), on: Self.dataset, in: try RunFolder(path: root + "/r"))
        }
        // A switch reads as config.json spells it, true or false, not 1 or 0.
        var nesterov = Self.record(epochs: 1)
        nesterov.training.optimizer.nesterov = true
        #expect(throws: CheckpointError.configurationDiffers(path: root + "/r", field: "training.optimizer.nesterov", stored: "false", given: "true")) {
            try Training.run(nesterov, on: Self.dataset, in: try RunFolder(path: root + "/r"))
        }
    }

    @Test("a stored configuration meets the typed checks: an edited config.json is one error naming it, before any training")
    func editedConfigurationIsRefused() throws {
        let root = try TestSupport.temporaryDirectory().path
        let folder = try RunFolder(path: root + "/r")
        var record = Self.record()
        record.training.batchSize = 0
        try folder.writeJSON(record, to: .config)
        #expect(throws: CheckpointError.self) { _ = try folder.readRecord() }
        do { _ = try folder.readRecord() } catch {
            #expect("\(error)".contains("config.json' cannot be used: 'training.batch_size' must be at least 1 (got 0)"), "\(error)")
        }
        #expect(throws: ConfigurationError(setting: "training.batch_size", value: "0", rule: "must be at least 1", fix: "the assignment uses 64")) {
            try Training.run(record, on: Self.dataset)
        }
    }

    @Test("result.json is the object Training.run returns, through one JSON shape with snake_case keys")
    func resultRoundTrips() throws {
        let root = try TestSupport.temporaryDirectory().path
        let result = try Training.run(Self.record(epochs: 1), on: Self.dataset, in: try RunFolder(path: root + "/r"))
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/r/result.json"))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"test_accuracy\"") && text.contains("\"batch_size\"") && !text.contains("testAccuracy"))
        let decoded = try JSONCoding.decode(RunResult.self, from: data)
        #expect(decoded.record == result.record && decoded.epochs == result.epochs && decoded.testConfusion == result.testConfusion)
    }
}
