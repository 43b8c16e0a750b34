import Foundation
import MLPLab
import Testing

/// Training a finished run further (`train --resume RUN --epochs N`), the checks on a new run's
/// folder, and batches larger than the data.
@Suite(.serialized)
struct RunContinuationTests {
    static let dataset = SyntheticData.quadrants(count: 400)

    static func record(epochs: Int, schedule: LearningRateSchedule = .constant, patience: Int? = nil,
                       learningRate: Double = 0.05, batchSize: Int = 16) -> RunRecord {
        var data = DataConfiguration()
        data.source = "quadrants"
        var training = TrainingConfiguration()
        training.epochs = epochs
        training.batchSize = batchSize
        training.schedule = schedule
        training.patience = patience
        training.optimizer = OptimizerConfiguration(learningRate: learningRate, momentum: 0.9)
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [24], classCount: 4)
        return RunRecord(data: data, dataset: dataset, model: model, training: training)
    }

    /// The epochs' metrics without their wall-clock seconds.
    static func curve(_ result: RunResult) -> [EpochMetrics] {
        result.epochs.map { var epoch = $0; epoch.seconds = 0; return epoch }
    }

    @Test("a finished 2-epoch run trained on to 4 epochs equals the 4-epoch run from the start, bit for bit")
    func moreEpochsContinueTheSameRun() throws {
        let root = try TestSupport.temporaryDirectory().path
        let whole = try Training.run(Self.record(epochs: 4), on: Self.dataset, in: try RunFolder(path: root + "/whole"))
        let short = try Training.run(Self.record(epochs: 2), on: Self.dataset, in: try RunFolder(path: root + "/grown"))
        #expect(short.epochs.count == 2)
        var started = -1
        let grown = try Training.run(Self.record(epochs: 4), on: Self.dataset, in: try RunFolder(path: root + "/grown")) { event in
            if case let .started(_, after) = event { started = after }
        }
        #expect(started == 2, "the longer run should continue after epoch 2, not start again")
        #expect(!grown.reused && Self.curve(grown) == Self.curve(whole))
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/whole/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: root + "/grown/model.safetensors"))
        #expect(a == b, "the continued model differs from the uninterrupted 4-epoch one")
        let stored = try #require(try RunFolder(path: root + "/grown").readRecord())
        #expect(stored.training.epochs == 4)
        // Fewer epochs than the run has is another run, named as such.
        #expect(throws: CheckpointError.configurationDiffers(path: root + "/grown", field: "training.epochs", stored: "4", given: "3")) {
            try Training.run(Self.record(epochs: 3), on: Self.dataset, in: try RunFolder(path: root + "/grown"))
        }
    }

    @Test("continuing is refused, with the reason, for a cosine schedule, a run that stopped early, and another change too")
    func continuingIsRefusedWhereItWouldNotBeTheSameRun() throws {
        let root = try TestSupport.temporaryDirectory().path
        _ = try Training.run(Self.record(epochs: 2, schedule: .cosine), on: Self.dataset, in: try RunFolder(path: root + "/cosine"))
        do {
            _ = try Training.run(Self.record(epochs: 4, schedule: .cosine), on: Self.dataset, in: try RunFolder(path: root + "/cosine"))
            Issue.record("a cosine run was continued")
        } catch let error as CheckpointError {
            guard case let .cannotContinue(path, epochs, reason) = error else { Issue.record("\(error)"); return }
            #expect(path == root + "/cosine" && epochs == 2 && reason.contains("cosine"))
        }
        // The refused folder still holds its finished run, untouched.
        #expect(FileManager.default.fileExists(atPath: root + "/cosine/result.json"))

        // Patience 1 with a rate too small to improve validation: it stops early.
        _ = try Training.run(Self.record(epochs: 6, patience: 1, learningRate: 1e-7), on: Self.dataset, in: try RunFolder(path: root + "/early"))
        #expect(throws: CheckpointError.self) {
            try Training.run(Self.record(epochs: 12, patience: 1, learningRate: 1e-7), on: Self.dataset, in: try RunFolder(path: root + "/early"))
        }
        // More epochs and a new rate: not the same run, and the rate is what is named.
        _ = try Training.run(Self.record(epochs: 1), on: Self.dataset, in: try RunFolder(path: root + "/other"))
        #expect(throws: CheckpointError.configurationDiffers(path: root + "/other", field: "training.optimizer.learning_rate", stored: "0.05", given: "0.1")) {
            try Training.run(Self.record(epochs: 2, learningRate: 0.1), on: Self.dataset, in: try RunFolder(path: root + "/other"))
        }
    }

    @Test("resuming a finished run with nothing new says how to train it further")
    func finishedRunNamesTheWayToContinue() throws {
        let root = try TestSupport.temporaryDirectory().path
        let record = Self.record(epochs: 1)
        _ = try Training.run(record, on: Self.dataset, in: try RunFolder(path: root + "/r"))
        let folder = try RunFolder(path: root + "/r")
        #expect(throws: CheckpointError.alreadyFinished(path: root + "/r", epochs: 1, canContinue: true)) { try folder.checkUnfinished(record) }
        #expect("\(CheckpointError.alreadyFinished(path: "r", epochs: 1, canContinue: true))".contains("run.resume 'r' training.epochs N (N above 1)"))
        #expect(!"\(CheckpointError.alreadyFinished(path: "r", epochs: 1, canContinue: false))".contains("training.epochs"))
        var longer = record
        longer.training.epochs = 2
        try folder.checkUnfinished(longer)
    }

    @Test("a new run refuses a folder holding someone's files, naming them; a missing or empty one is fine")
    func newRunRefusesFoldersWithOtherFiles() throws {
        let root = try TestSupport.temporaryDirectory().path
        try FileManager.default.createDirectory(atPath: root + "/mine", withIntermediateDirectories: true)
        try Data("my notes".utf8).write(to: URL(fileURLWithPath: root + "/mine/summary.md"))
        do {
            _ = try RunFolder.pathForNewRun(in: root, name: "mine")
            Issue.record("a folder with a user's summary.md was accepted")
        } catch let error as CheckpointError {
            #expect("\(error)".contains("'summary.md'") && "\(error)".contains("run.name"), "\(error)")
            #expect(!"\(error)".contains("disk has space"), "the fix should not be about disk space: \(error)")
        }
        #expect(throws: CheckpointError.self) { try RunFolder.openForNewRun(at: root + "/mine") }
        #expect(try String(contentsOfFile: root + "/mine/summary.md", encoding: .utf8) == "my notes")
        try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        #expect(try RunFolder.pathForNewRun(in: root, name: "empty") == root + "/empty")
        #expect(try RunFolder.pathForNewRun(in: root, name: "new") == root + "/new")
        try Data().write(to: URL(fileURLWithPath: root + "/afile"))
        #expect(throws: CheckpointError.self) { try RunFolder.pathForNewRun(in: root, name: "afile") }
    }

    @Test("a batch larger than the training split steps through the split at once, sized for the split, not the batch")
    func batchLargerThanTheDataIsClamped() throws {
        let record = Self.record(epochs: 2, batchSize: 100_000)
        let model = record.model, training = record.training
        var clamped = training
        clamped.batchSize = 240
        #expect(MemoryBudget.trainingBytes(model: model, training: training, validation: true, trainingSamples: 240)
                == MemoryBudget.trainingBytes(model: model, training: clamped, validation: true, trainingSamples: 240))
        #expect(MemoryBudget.trainingBytes(model: model, training: training, validation: true) > 1e10)
        // Trains, and gives what one batch of the whole training split gives.
        let big = try Training.run(record, on: Self.dataset)
        let split = try DatasetSplit.make(for: Self.dataset, data: record.data, seed: record.training.seed)
        var exact = record
        exact.training.batchSize = split.train.count
        let whole = try Training.run(exact, on: Self.dataset)
        #expect(Self.curve(big) == Self.curve(whole))
    }
}
