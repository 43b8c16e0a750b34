import Foundation
import MLPLab
import Testing

/// A run folder's files edited or damaged after the run wrote them: each is named with its key
/// as the file spells it, and nothing trains on an edit (issue 14's adversarial pass).
@Suite(.serialized)
struct RunFolderFileTests {
    static let dataset = RunContinuationTests.dataset

    /// A finished 2-epoch run of `record` in `root`/r.
    static func finishedRun(_ record: RunRecord = RunContinuationTests.record(epochs: 2)) throws -> String {
        let path = try TestSupport.temporaryDirectory().path + "/r"
        _ = try Training.run(record, on: dataset, in: try RunFolder(path: path))
        return path
    }

    /// Rewrites the JSON file at `path` after `edit` changes its object.
    static func editJSON(_ path: String, _ edit: (inout [String: Any]) -> Void) throws {
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }

    /// `json[outer][inner] = value` (nil removes it).
    static func set(_ json: inout [String: Any], _ outer: String, _ inner: String, _ value: Any?) {
        var part = json[outer] as! [String: Any]
        part[inner] = value
        json[outer] = part
    }

    @Test("a config.json edited since its checkpoint (subset dropped, hidden layers removed) is named as edited, and nothing trains",
          arguments: ["drop train_limit", "no hidden layers", "other seed"])
    func editedConfigurationIsNotTrainedOn(edit: String) throws {
        var limited = RunContinuationTests.record(epochs: 2)
        limited.data.trainLimit = 120
        let run = try Self.finishedRun(limited)
        let original = try Data(contentsOf: URL(fileURLWithPath: run + "/config.json"))
        if edit == "no hidden layers" {
            // The recorded compute plan has one entry per layer: with the layers alone edited,
            // the file is refused as it is read, naming the plan that no longer fits.
            try Self.editJSON(run + "/config.json") { Self.set(&$0, "model", "hidden_sizes", [Int]()) }
            do {
                _ = try RunFolder(path: run).readRecord()
                Issue.record("a config.json whose layers no longer fit its compute plan was read")
            } catch let error as CheckpointError {
                guard case let .damagedRunFile(path, _) = error else { Issue.record("\(error)"); return }
                #expect(path == run + "/config.json" && "\(error)".contains("compute.weight_orientations")
                        && "\(error)".contains("edited or damaged"), "\(error)")
            }
            try original.write(to: URL(fileURLWithPath: run + "/config.json"))
        }
        try Self.editJSON(run + "/config.json") { json in
            switch edit {
            case "drop train_limit": Self.set(&json, "data", "train_limit", nil)
            case "no hidden layers":
                // Layers and plan both edited: the checkpoint names the edit.
                Self.set(&json, "model", "hidden_sizes", [Int]())
                json["compute"] = nil
            default: Self.set(&json, "training", "seed", 7)
            }
        }
        let edited = try #require(try RunFolder(path: run).readRecord())
        var longer = edited
        longer.training.epochs = 3
        for record in [edited, longer] {
            do {
                _ = try Training.run(record, on: Self.dataset, in: try RunFolder(path: run))
                Issue.record("an edited config.json was trained on (\(edit))")
            } catch let error as CheckpointError {
                guard case let .damagedRunFile(path, _) = error else { Issue.record("\(error)"); continue }
                #expect(path == run + "/config.json" && "\(error)".contains("edited since"), "\(error)")
            }
        }
        // Nothing was changed by the refusals: the unedited record still finds its result.
        try original.write(to: URL(fileURLWithPath: run + "/config.json"))
        #expect(try RunFolder(path: run).finishedResult(for: limited) != nil)
    }

    @Test("checkpoint counts that its history, batch size and split cannot give are refused, naming the keys",
          arguments: ["steps 0", "steps 2", "steps 100", "samples 100", "samples one short an epoch", "samples 0"])
    func impossibleCountsAreRefused(change: String) throws {
        let run = try Self.finishedRun()
        let path = run + "/checkpoint.safetensors"
        let record = try #require(try RunFolder(path: run).readRecord())
        var checkpoint = try TrainingCheckpoint(contentsOf: path, record: record)
        // Two whole epochs: n training samples each, in ⌈n / 16⌉ steps.
        let perEpoch = checkpoint.state.samplesTrained / 2
        #expect(checkpoint.state.samplesTrained == 2 * perEpoch && checkpoint.state.stepCount == 2 * ((perEpoch + 15) / 16))
        #expect(try RunFolder(path: run).readCheckpoint(for: record, trainingSamples: perEpoch) != nil)
        switch change {
        case "steps 0": checkpoint.state.stepCount = 0
        case "steps 2": checkpoint.state.stepCount = 2
        case "steps 100": checkpoint.state.stepCount = 100
        case "samples 100": checkpoint.state.samplesTrained = 100
        // Still ⌈n / 16⌉ steps an epoch (n is not 1 past a multiple of 16), but not the split's n.
        case "samples one short an epoch": checkpoint.state.samplesTrained = 2 * (perEpoch - 1)
        default: checkpoint.state.samplesTrained = 0
        }
        try checkpoint.write(to: path, configuration: record.model)
        do {
            _ = try RunFolder(path: run).readCheckpoint(for: record, trainingSamples: perEpoch)
            Issue.record("a checkpoint with \(checkpoint.state.stepCount) steps and \(checkpoint.state.samplesTrained) samples was read")
        } catch {
            #expect("\(error)".contains("'step_count'") && "\(error)".contains("checkpoint.safetensors"), "\(error)")
        }
    }

    @Test("a result.json with fewer epochs than its finished run must have is not reused", arguments: ["no epochs", "one of two"])
    func resultWithMissingEpochsIsRefused(edit: String) throws {
        let record = RunContinuationTests.record(epochs: 2)
        let run = try Self.finishedRun(record)
        try Self.editJSON(run + "/result.json") { json in
            let epochs = json["epochs"] as! [Any]
            json["epochs"] = edit == "no epochs" ? [] : [epochs[0]]
            json["best_epoch"] = NSNull()
            json["best_validation_accuracy"] = NSNull()
        }
        #expect {
            try RunFolder(path: run).finishedResult(for: record)
        } throws: { error in
            "\(error)".contains("'epochs' holds") && "\(error)".contains("result.json")
        }
    }

    @Test("config.json errors name keys as the file spells them, and a fraction where a whole number belongs is named",
          arguments: [
              ("threads 1.5", "'training.threads' must be a whole number (got 1.5)"),
              ("train_limit 2.5", "'data.train_limit' must be a whole number (got 2.5)"),
              ("seed -1", "'training.seed' must be a whole number in range (got -1)"),
              ("no batch_size", "no 'training.batch_size'"),
              ("batch_size 0", "'training.batch_size' must be at least 1 (got 0)"),
              ("image_width text", "'image_width' must be a whole number"),
              ("class_names 3", "'class_names' must be a list"),
          ])
    func storedKeysAreNamedAsSpelled(edit: String, expected: String) throws {
        let run = try Self.finishedRun()
        try Self.editJSON(run + "/config.json") { json in
            switch edit {
            case "threads 1.5": Self.set(&json, "training", "threads", 1.5)
            case "train_limit 2.5": Self.set(&json, "data", "train_limit", 2.5)
            case "seed -1": Self.set(&json, "training", "seed", -1)
            case "no batch_size": Self.set(&json, "training", "batch_size", nil)
            case "batch_size 0": Self.set(&json, "training", "batch_size", 0)
            case "image_width text": json["image_width"] = "wide"
            default: json["class_names"] = 3
            }
        }
        #expect {
            try RunFolder(path: run).readRecord()
        } throws: { error in
            let text = "\(error)"
            guard text.contains(expected), text.contains("config.json"), !text.contains("not valid JSON") else {
                Issue.record("\(text)")
                return false
            }
            return true
        }
    }

    @Test("a checkpoint state missing a key names it")
    func checkpointStateNamesTheKey() throws {
        let run = try Self.finishedRun()
        let path = run + "/checkpoint.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        // Same length, so the file stays a valid safetensors file; only the state lacks the key.
        let renamed = try #require(Self.replace("samples_trained", with: "samples_trainee", in: bytes))
        try renamed.write(to: URL(fileURLWithPath: path))
        let record = RunContinuationTests.record(epochs: 2)
        #expect {
            try RunFolder(path: run).readCheckpoint(for: record)
        } throws: { error in
            "\(error)".contains("no 'samples_trained'")
        }
    }

    /// `data` with the first occurrence of `old` replaced by `new` (of the same length).
    static func replace(_ old: String, with new: String, in data: Data) -> Data? {
        guard let range = data.range(of: Data(old.utf8)) else { return nil }
        var copy = data
        copy.replaceSubrange(range, with: Data(new.utf8))
        return copy
    }

    @Test("resuming a run with data of another shape names the run, the data it was trained on and the fix")
    func otherDataIsNamed() throws {
        let run = try Self.finishedRun()
        let stored = try #require(try RunFolder(path: run).readRecord())
        let other = Dataset(name: "wide", classNames: ["x", "y"], imageWidth: 4, imageHeight: 2,
                            pixels: [UInt8](repeating: 9, count: 40 * 8), labels: (0..<40).map { Int32($0 % 2) })
        var data = stored.data
        data.source = "wide"
        var training = stored.training
        training.epochs = 6
        let record = RunRecord(data: data, dataset: other, model: stored.model, training: training)
        do {
            _ = try Training.run(record, on: other, in: try RunFolder(path: run))
            Issue.record("a run was continued on data of another shape")
        } catch {
            let text = "\(error)"
            #expect(text.contains(run) && text.contains("'quadrants' (8×8 images, 4 classes)") && text.contains("'wide' (4×2 images, 2 classes)")
                    && text.contains("new run"), "\(text)")
            #expect(!text.contains("model input size"), "\(text)")
        }
    }

    @Test("a damaged model.safetensors or last.safetensors in a run folder gets the run's advice, and that advice works",
          arguments: ["model.safetensors", "last.safetensors"])
    func damagedModelInRunGetsTheRunsAdvice(file: String) throws {
        let record = RunContinuationTests.record(epochs: 2)
        let run = try Self.finishedRun(record)
        let path = run + "/" + file
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for damaged in [bytes.prefix(bytes.count - 10), bytes.prefix(4)] {
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Classifier(contentsOf: file == "model.safetensors" ? run : path, threads: 1)
                Issue.record("a damaged \(file) was read")
            } catch {
                let text = "\(error)"
                #expect(text.contains(path) && text.contains("run.resume '\(run)'"), "\(text)")
                #expect(!text.contains("copy it again") && !text.contains("that MLPLab wrote"), "\(text)")
            }
        }
        // The advice: remove result.json and resume, which writes the models again from the checkpoint.
        try FileManager.default.removeItem(atPath: run + "/result.json")
        _ = try Training.run(record, on: Self.dataset, in: try RunFolder(path: run))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(try Classifier(contentsOf: path, threads: 1).classCount == 4)
        // A model file outside a run folder keeps a model file's advice.
        let loose = try TestSupport.temporaryDirectory().path + "/model.safetensors"
        try Data(bytes.prefix(bytes.count - 10)).write(to: URL(fileURLWithPath: loose))
        do {
            _ = try Classifier(contentsOf: loose, threads: 1)
            Issue.record("a cut-short model file was read")
        } catch { #expect("\(error)".contains("copy it again"), "\(error)") }
    }
}

/// The advice a damaged run file gets: the run's own, not a model file's (issue 14 #21).
struct RunFileAdviceTests {
    @Test("a truncated or edited checkpoint names the file and the run's fix, never 'copy it again' or 'use a model.safetensors'")
    func damagedCheckpointGetsTheRunsAdvice() throws {
        let root = try TestSupport.temporaryDirectory().path
        let record = RunContinuationTests.record(epochs: 2)
        _ = try Training.run(record, on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/r"))
        let checkpoint = root + "/r/checkpoint.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        for damaged in [bytes.prefix(bytes.count - 100), bytes.prefix(4), Data(bytes.map { $0 == UInt8(ascii: "e") ? UInt8(ascii: "E") : $0 })] {
            try Data(damaged).write(to: URL(fileURLWithPath: checkpoint))
            let folder = try RunFolder(path: root + "/r")
            do {
                _ = try folder.readCheckpoint(for: record)
                Issue.record("a damaged checkpoint was read")
            } catch {
                let text = "\(error)"
                #expect(text.contains("checkpoint.safetensors") && text.contains("restore it from a backup"), "\(text)")
                #expect(!text.contains("copy it again") && !text.contains("model.safetensors that MLPLab wrote"), "\(text)")
            }
        }
        #expect("\(CheckpointError.damagedRunFile(path: "runs/a/result.json", reason: "x"))".contains("run.resume 'runs/a'"))
    }
}
