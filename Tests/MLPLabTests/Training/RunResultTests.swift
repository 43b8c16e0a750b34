import Foundation
import MLPLab
import Testing

/// result.json is read back by resume, `train` on a finished run and every study: its numbers
/// are checked against its own record before a report indexes or prints them.
@Suite(.serialized)
struct RunResultTests {
    /// A finished run folder of a small run, and its result.json as a JSON object.
    static func finishedRun() throws -> (folder: RunFolder, record: RunRecord, json: [String: Any]) {
        let folder = try RunFolder(path: try TestSupport.temporaryDirectory().appendingPathComponent("run").path)
        let record = TrainingTests.record(epochs: 2)
        _ = try Training.run(record, on: TrainingTests.dataset, in: folder)
        let data = try Data(contentsOf: URL(fileURLWithPath: folder.path(of: .result)))
        return (folder, record, try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
    }

    @Test("an edited result.json is refused, naming the file and what does not add up", arguments: [
        "short per-class list", "accuracy above 1", "huge seconds", "nan epoch seconds", "negative confusion",
        "ragged confusion", "parameter count", "batch size 0", "best epoch beyond epochs", "more epochs than asked",
    ])
    func editedResultIsRefused(change: String) throws {
        let (folder, record, original) = try Self.finishedRun()
        #expect(try folder.finishedResult(for: record)?.reused == true)
        var json = original
        var epochs = json["epochs"] as! [[String: Any]]
        var confusion = json["test_confusion"] as! [[Int]]
        switch change {
        case "short per-class list": json["test_per_class"] = (json["test_per_class"] as! [Any]).dropLast().map { $0 }
        case "accuracy above 1": json["test_accuracy"] = 7
        case "huge seconds": json["training_seconds"] = 1e300
        case "nan epoch seconds": epochs[0]["seconds"] = "nan"
        case "negative confusion": confusion[0][0] = -5
        case "ragged confusion": confusion[1].append(3)
        case "parameter count": json["parameter_count"] = 12
        case "batch size 0":
            var recordJSON = json["record"] as! [String: Any], training = recordJSON["training"] as! [String: Any]
            training["batch_size"] = 0
            recordJSON["training"] = training
            json["record"] = recordJSON
        case "best epoch beyond epochs": json["best_epoch"] = 9; json["best_validation_accuracy"] = 0.5
        default: epochs.append(epochs[1]); epochs[2]["epoch"] = 3
        }
        json["epochs"] = epochs
        json["test_confusion"] = confusion
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: folder.path(of: .result)))
        #expect {
            try folder.finishedResult(for: record)
        } throws: { error in
            guard case let CheckpointError.damagedRunFile(path, _)? = error as? CheckpointError else { return false }
            return path == folder.path(of: .result)
        }
    }

    @Test("numbers beyond an Int print without trapping")
    func hugeNumbersFormat() {
        #expect(Format.grouped(1e300) == "1e+300")
        #expect(Format.duration(1e300) == "?")
    }
}
