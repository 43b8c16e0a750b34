import Foundation
import MLPLab
import Testing

/// The TensorBoard curves a run writes into its folder (`TrainingEventLog`): what, at which
/// steps, equal to metrics.jsonl and result.json, and continued without a step twice after a resume.
@Suite(.serialized)
struct TrainingEventLogTests {
    /// 288 training samples in batches of 4: 72 batches an epoch, three `loss/train` points each.
    static func record(epochs: Int) -> RunRecord { RunContinuationTests.record(epochs: epochs, batchSize: 4) }

    static func events(in folder: String) throws -> [TensorBoardEvent] {
        let files = TrainingEventLog.eventFiles(in: folder)
        #expect(files.count == 1, "\(files)")
        let (events, damage) = try TensorBoardEventFile.events(contentsOf: folder + "/" + files[0])
        #expect(damage == nil)
        return events
    }

    /// (tag, step, value bits) of every scalar, in file order.
    static func scalars(_ events: [TensorBoardEvent]) -> [String] {
        events.flatMap { event in event.scalars.map { "\($0.tag)@\(event.step)=\($0.value.bitPattern)" } }
    }

    static func pluginValues(_ events: [TensorBoardEvent], tag: String) -> [TensorBoardEvent.SummaryValue] {
        events.flatMap { event -> [TensorBoardEvent.SummaryValue] in
            guard case .summary(let values) = event.content else { return [] }
            return values.filter { $0.tag == tag }
        }
    }

    @Test("a run's event file holds its loss every 20 batches, metrics.jsonl's values per epoch and result.json's at the end")
    func curves() throws {
        let root = try TestSupport.temporaryDirectory().path
        let result = try Training.run(Self.record(epochs: 2), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/run"))
        let events = try Self.events(in: root + "/run")
        #expect(events.first?.content == .fileVersion("brain.Event:2"))
        let batches = (result.splitSizes.train + 3) / 4
        #expect(batches == 72)
        func points(_ tag: String) -> [(Int64, Float)] {
            events.flatMap { event in event.scalars.filter { $0.tag == tag }.map { (event.step, $0.value) } }
        }
        #expect(points("loss/train").map(\.0) == [20, 40, 60, 92, 112, 132])
        #expect(points("loss/train").allSatisfy { $0.1.isFinite && $0.1 > 0 })
        #expect(points("loss/train_epoch").map(\.0) == [Int64(batches), Int64(2 * batches)])
        let metrics = result.epochs
        #expect(points("loss/train_epoch").map(\.1) == metrics.map { Float($0.loss) })
        #expect(points("accuracy/train").map(\.1) == metrics.map { Float($0.trainAccuracy) })
        #expect(points("accuracy/validation").map(\.1) == metrics.map { Float($0.validationAccuracy!) })
        #expect(points("learning_rate").map(\.1) == metrics.map { Float($0.learningRate) })
        #expect(points("gradient_norm").map(\.1) == metrics.map { Float($0.gradientNorm) })
        #expect(points("accuracy/test").map(\.0) == [Int64(2 * batches)])
        #expect(points("accuracy/test").map(\.1) == [Float(result.testAccuracy)])
        #expect(points("accuracy/best_validation").map(\.1) == [Float(result.bestValidationAccuracy!)])

        // The hyperparameters, as HParamsPluginData { session_start_info 3 { hparams 1 … } }.
        let start = Self.pluginValues(events, tag: TrainingEventLog.Tag.sessionStart)
        #expect(start.count == 1 && start.first?.pluginName == "hparams")
        let info = try #require(try ProtobufMessage.fields(of: start[0].pluginContent).first { $0.number == 3 }?.bytes)
        var hparams: [String: ProtobufMessage.Field.Value] = [:]
        for entry in try ProtobufMessage.fields(of: info) where entry.number == 1 {
            let parts = try ProtobufMessage.fields(of: entry.bytes!)
            let value = try ProtobufMessage.fields(of: parts[1].bytes!)[0]
            hparams[parts[0].string!] = value.value
        }
        #expect(hparams["lr"] == .fixed64(0.05.bitPattern) && hparams["momentum"] == .fixed64(0.9.bitPattern))
        #expect(hparams["batch_size"] == .fixed64(4.0.bitPattern) && hparams["hidden"] == .bytes(Array("24".utf8)))
        let end = Self.pluginValues(events, tag: TrainingEventLog.Tag.sessionEnd)
        #expect(end.count == 1)
        #expect(try ProtobufMessage.fields(of: try ProtobufMessage.fields(of: end[0].pluginContent)[0].bytes!)[0].integer == 1,
                "status SUCCESS")
    }

    @Test("a resumed run continues the same curve: what came after its checkpoint and its end-of-run values are dropped, no step twice")
    func resume() throws {
        let root = try TestSupport.temporaryDirectory().path
        _ = try Training.run(Self.record(epochs: 3), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/whole"))
        _ = try Training.run(Self.record(epochs: 2), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/grown"))
        // What a run killed in epoch 3 leaves after its epoch-2 checkpoint: points of epoch 3.
        let path = root + "/grown/" + TrainingEventLog.eventFiles(in: root + "/grown")[0]
        let file = try TensorBoardEventFile(path: path, keeping: try TensorBoardEventFile.events(contentsOf: path).events)
        try file.append(.scalar("loss/train", 99, step: 164, wallTime: 0))
        try file.append(.scalar("accuracy/validation", 0.5, step: 216, wallTime: 0))
        _ = try Training.run(Self.record(epochs: 3), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/grown"))

        let whole = try Self.events(in: root + "/whole"), grown = try Self.events(in: root + "/grown")
        #expect(Self.scalars(grown) == Self.scalars(whole))
        let steps = grown.flatMap { event in event.scalars.map { "\($0.tag)@\(event.step)" } }
        #expect(Set(steps).count == steps.count, "a step written twice")
        #expect(Self.pluginValues(grown, tag: TrainingEventLog.Tag.sessionStart).count == 1)
        #expect(Self.pluginValues(grown, tag: TrainingEventLog.Tag.sessionEnd).count == 1)
    }

    @Test("a run resumed without an event file gets its finished epochs' values from its history: no gap")
    func resumeWithoutEvents() throws {
        let root = try TestSupport.temporaryDirectory().path
        _ = try Training.run(Self.record(epochs: 3), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/whole"))
        _ = try Training.run(Self.record(epochs: 2), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/old"))
        for name in TrainingEventLog.eventFiles(in: root + "/old") { try FileManager.default.removeItem(atPath: root + "/old/" + name) }
        _ = try Training.run(Self.record(epochs: 3), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/old"))
        let perEpoch: Set<String> = ["loss/train_epoch", "accuracy/train", "accuracy/validation", "learning_rate", "gradient_norm"]
        func epochScalars(_ folder: String) throws -> [String] {
            try Self.events(in: folder).flatMap { event in
                event.scalars.filter { perEpoch.contains($0.tag) }.map { "\($0.tag)@\(event.step)=\($0.value.bitPattern)" }
            }.sorted()
        }
        #expect(try epochScalars(root + "/old") == epochScalars(root + "/whole"))
    }

    @Test("a run resumed with a damaged or cut-short event file keeps what reads, gets the lost epochs' values from its history, in step order")
    func resumeWithDamagedEvents() throws {
        let root = try TestSupport.temporaryDirectory().path
        _ = try Training.run(Self.record(epochs: 3), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/whole"))
        let perEpoch: Set<String> = ["loss/train_epoch", "accuracy/train", "accuracy/validation", "learning_rate", "gradient_norm"]
        func epochScalars(_ events: [TensorBoardEvent]) -> [String] {
            events.flatMap { event in
                event.scalars.filter { perEpoch.contains($0.tag) }.map { "\($0.tag)@\(event.step)=\($0.value.bitPattern)" }
            }.sorted()
        }
        let whole = try Self.events(in: root + "/whole")
        // Garbage in place of the file, and the file cut in the middle of epoch 2's values.
        let damages: [(String, ([UInt8]) -> [UInt8])] = [
            ("garbage", { bytes in (0..<bytes.count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) } }),
            ("cut", { bytes in Array(bytes.prefix(bytes.count * 3 / 4)) }),
        ]
        for (name, damage) in damages {
            let folder = root + "/" + name
            _ = try Training.run(Self.record(epochs: 2), on: RunContinuationTests.dataset, in: try RunFolder(path: folder))
            let path = folder + "/" + TrainingEventLog.eventFiles(in: folder)[0]
            try Data(damage([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))).write(to: URL(fileURLWithPath: path))
            _ = try Training.run(Self.record(epochs: 3), on: RunContinuationTests.dataset, in: try RunFolder(path: folder))
            let events = try Self.events(in: folder)
            #expect(epochScalars(events) == epochScalars(whole), "\(name)")
            let steps = events.filter { event in !event.scalars.isEmpty }.map(\.step)
            #expect(steps == steps.sorted(), "\(name): steps out of order")
            #expect(events.first?.content == .fileVersion("brain.Event:2"))
        }
    }

    @Test("an event file that cannot be read (a folder, a dangling link) stops a resume with one line naming it and saying to move it away")
    func unreadableEventFile() throws {
        let root = try TestSupport.temporaryDirectory().path
        for kind in ["folder", "dangling link"] {
            let folder = root + "/" + kind.replacingOccurrences(of: " ", with: "-")
            _ = try Training.run(Self.record(epochs: 2), on: RunContinuationTests.dataset, in: try RunFolder(path: folder))
            let path = folder + "/" + TrainingEventLog.eventFiles(in: folder)[0]
            try FileManager.default.removeItem(atPath: path)
            if kind == "folder" { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }
            else { try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: root + "/nowhere") }
            do {
                _ = try Training.run(Self.record(epochs: 3), on: RunContinuationTests.dataset, in: try RunFolder(path: folder))
                Issue.record("\(kind): the resume went on")
            } catch let error as CheckpointError {
                let message = error.description
                #expect(message.contains(path) && message.contains("TensorBoard curves") && message.contains("move it out"), "\(message)")
                #expect(message.contains(kind == "folder" ? "it is a folder" : "dangling symbolic link"), "\(message)")
                #expect(!message.contains("\n"))
            }
        }
    }

    @Test("a finished run given more epochs with an unreadable event file is refused before anything changes: result.json and config.json stay")
    func unreadableEventFileLeavesFinishedRunIntact() throws {
        let folder = try TestSupport.temporaryDirectory().path + "/run"
        _ = try Training.run(Self.record(epochs: 2), on: RunContinuationTests.dataset, in: try RunFolder(path: folder))
        let path = folder + "/" + TrainingEventLog.eventFiles(in: folder)[0]
        let result = try Data(contentsOf: URL(fileURLWithPath: folder + "/result.json"))
        let config = try Data(contentsOf: URL(fileURLWithPath: folder + "/config.json"))
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(throws: CheckpointError.self) {
            try Training.run(Self.record(epochs: 3), on: RunContinuationTests.dataset, in: try RunFolder(path: folder))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/result.json")) == result)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/config.json")) == config)
    }
}
