import Foundation
import MLPLab
import Testing

/// Run folders through the built tool: files, resume after kill -9 and Ctrl-C, lock, mismatched
/// configuration, full disk, divergence, early stopping, evaluate and predict.
@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable))
struct TrainCommandTests {
    /// A small, fast training: 3,000 images, one hidden layer of 64, 5 epochs.
    static let small = ["train", "fashion-mnist", "--subset", "3000", "--epochs", "5", "--hidden", "64", "--lr", "0.1",
                        "--momentum", "0.9", "--threads", "2"]

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("the measured plan's timings go to $XDG_CACHE_HOME or $HOME/.cache; an empty or relative one is not used, the temporary folder is")
    func timingsCacheLocation() throws {
        let root = try TestSupport.temporaryDirectory().path
        let arguments = ["train", "fashion-mnist", "--subset", "500", "--epochs", "1", "--hidden", "16", "--threads", "1", "--run-dir", root + "/runs"]
        for (index, environment) in [["XDG_CACHE_HOME": root + "/xdg"], ["XDG_CACHE_HOME": "", "HOME": root + "/home"],
                                     ["XDG_CACHE_HOME": "", "HOME": "", "TMPDIR": root + "/tmp"],
                                     ["XDG_CACHE_HOME": "relative", "HOME": "also-relative", "TMPDIR": root + "/tmp2"]].enumerated() {
            let result = try Tool.run(arguments + ["--name", "r\(index)"], environment: environment)
            #expect(result.status == 0, "\(environment): \(result.stderr)")
        }
        for folder in ["/xdg/mlplab", "/home/.cache/mlplab", "/tmp/.cache/mlplab", "/tmp2/.cache/mlplab"] {
            #expect(FileManager.default.fileExists(atPath: root + folder + "/compute-timings/timings.json"), "no timings under \(folder)")
        }
    }

    @Test("--cache-dir holds the measured plan's timings too, and --no-cache keeps none: the default cache is left alone")
    func timingsFollowTheCacheOptions() throws {
        let root = try TestSupport.temporaryDirectory().path
        let arguments = ["train", "fashion-mnist", "--subset", "500", "--epochs", "1", "--hidden", "16", "--threads", "1", "--run-dir", root + "/runs"]
        let defaultCache = ["XDG_CACHE_HOME": root + "/xdg"]
        let given = try Tool.run(arguments + ["--name", "given", "--cache-dir", root + "/given"], environment: defaultCache)
        #expect(given.status == 0, "\(given.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/given/compute-timings/timings.json"))
        let none = try Tool.run(arguments + ["--name", "none", "--no-cache"], environment: defaultCache)
        #expect(none.status == 0, "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/xdg"), "the default cache was written")
        // Without a cache, the plan is the standard one, which repeats from run to run.
        let record = try #require(try RunFiles.record(in: root + "/runs/none"))
        #expect(record.compute == ComputePlan.standard(model: record.model, rows: record.training.batchSize))
        // A cache folder that cannot be made: the run trains with the standard plan and says why.
        FileManager.default.createFile(atPath: root + "/file", contents: Data())
        let unusable = try Tool.run(arguments + ["--name", "unusable", "--cache-dir", root + "/file/cache"], environment: defaultCache)
        #expect(unusable.status == 0, "\(unusable.stderr)")
        #expect(unusable.stderr.contains("note: the compute timings cannot be kept in '\(root)/file/cache/compute-timings'")
                && unusable.stderr.contains("this run trains with the standard plan"), "\(unusable.stderr)")
    }

    @Test("threads default to the cores the process may use: under taskset -c 0, one")
    func threadsFollowTheAffinity() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") else { return }
        let root = try TestSupport.temporaryDirectory().path
        let binary = try #require(Tool.binary)
        let arguments = ["train", "fashion-mnist", "--subset", "500", "--epochs", "1", "--hidden", "16", "--run-dir", root]
        let bound = try Tool.run(["-c", "0", binary] + arguments + ["--name", "bound"], executable: "/usr/bin/taskset")
        #expect(bound.status == 0, "\(bound.stderr)")
        #expect(try RunFiles.record(in: root + "/bound")?.training.threads == 1)
        let free = try Tool.run(arguments + ["--name", "free"])
        #expect(free.status == 0, "\(free.stderr)")
        #expect(try RunFiles.record(in: root + "/free")?.training.threads == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test("a run folder holds the configuration, metrics, models, charts and summary")
    func runFolderHasEveryFile() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let result = try Tool.run(Self.small + ["--run-dir", runs, "--name", "a"])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: runs + "/a").sorted()
        let events = files.filter { $0.hasPrefix("events.out.tfevents.") }
        #expect(events.count == 1 && events.allSatisfy { $0.hasSuffix("." + TensorBoardEventFile.hostName) })
        #expect(files.filter { !$0.hasPrefix("events.out.tfevents.") } == [
            ".lock", "checkpoint.safetensors", "config.json", "confusion.svg", "last.safetensors", "loss.svg",
            "metrics.jsonl", "model.safetensors", "per-class.svg", "result.json", "summary.md"])
        let metrics = try String(contentsOfFile: runs + "/a/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(metrics.count == 5)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(metrics[0].utf8)) as? [String: Any])
        for key in ["epoch", "loss", "train_accuracy", "validation_accuracy", "learning_rate", "seconds", "gradient_norm"] {
            #expect(first[key] != nil, "metrics.jsonl lacks \(key)")
        }
        // config.json is the typed configuration: what was asked for, and the data it trained on.
        let record = try JSONCoding.decode(RunRecord.self, from: bytes(runs + "/a/config.json"))
        #expect(record.model.hiddenSizes == [64] && record.training.epochs == 5 && record.training.optimizer.learningRate == 0.1)
        #expect(record.training.optimizer.momentum == 0.9 && record.training.threads == 2 && record.data.trainLimit == 3000)
        #expect(record.dataFingerprint == (try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(nil))).fingerprint)
        #expect(record.engine.hasPrefix("oneDNN") && record.classNames == FashionMNIST.classNames)
        // result.json agrees with metrics.jsonl, epoch for epoch.
        let stored = try JSONCoding.decode(RunResult.self, from: bytes(runs + "/a/result.json"))
        #expect(stored.epochs.count == 5 && stored.record == record)
        #expect(stored.epochs[0] == (try JSONCoding.decode(EpochMetrics.self, from: Data(metrics[0].utf8))))
        let model = try ModelFile(contentsOf: runs + "/a/model.safetensors")
        #expect(model.classNames == FashionMNIST.classNames && model.imageWidth == 28 && model.configuration.hiddenSizes == [64])
        #expect(try String(contentsOfFile: runs + "/a/summary.md", encoding: .utf8).contains("test accuracy"))
        // No temporary files are left behind.
        #expect(!files.contains { $0.contains(".tmp-") })
    }

    @Test("kill -9 in epoch 3 of 5, then --resume: the model is byte-identical to an uninterrupted run")
    func resumeAfterKillIsByteIdentical() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let whole = try Tool.run(Self.small + ["--run-dir", runs, "--name", "whole"])
        #expect(whole.status == 0)
        let killed = try Tool.run(Self.small + ["--run-dir", runs, "--name", "killed"], environment: ["MLPLAB_FAULT_KILL_AT": "3:20"])
        #expect(killed.status == 9, "the fault point should kill the process (status \(killed.status))")
        // The checkpoint of epoch 2 survived the kill.
        let metrics = try String(contentsOfFile: runs + "/killed/metrics.jsonl", encoding: .utf8)
        #expect(metrics.split(separator: "\n").count == 2)
        let resumed = try Tool.run(["train", "--resume", runs + "/killed"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming after epoch 2"))
        #expect(try bytes(runs + "/whole/model.safetensors") == bytes(runs + "/killed/model.safetensors"))
        #expect(try bytes(runs + "/whole/last.safetensors") == bytes(runs + "/killed/last.safetensors"))
        // The checkpoints hold the same tensors (weights, momentum, best weights); their metadata
        // differs only in the measured seconds per epoch.
        let a = try SafeTensors(contentsOf: runs + "/whole/checkpoint.safetensors")
        let b = try SafeTensors(contentsOf: runs + "/killed/checkpoint.safetensors")
        #expect(a.tensors == b.tensors && a.tensors.count == 12)
    }

    @Test("Ctrl-C stops at a safe point, prints the resume command, and resuming finishes the same model")
    func interruptIsResumable() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let interrupted = try Tool.run(Self.small + ["--run-dir", runs, "--name", "i"], environment: ["MLPLAB_FAULT_INTERRUPT_AT": "2:10"])
        #expect(interrupted.status == 130)
        #expect(interrupted.stderr.contains("stopped after epoch 1 of 5"), "\(interrupted.stderr)")
        #expect(interrupted.stderr.contains("mlplab train --resume \(runs)/i"))
        #expect(!FileManager.default.fileExists(atPath: runs + "/i/model.safetensors"))
        let resumed = try Tool.run(["train", "--resume", runs + "/i"])
        #expect(resumed.status == 0)
        let whole = try Tool.run(Self.small + ["--run-dir", runs, "--name", "w"])
        #expect(whole.status == 0)
        #expect(try bytes(runs + "/w/model.safetensors") == bytes(runs + "/i/model.safetensors"))
        // A finished run has nothing to resume.
        let again = try Tool.run(["train", "--resume", runs + "/i"])
        #expect(again.status == 1 && again.stderr.contains("has finished its 5 epochs; nothing to resume"), "\(again.stderr)")
    }

    @Test("a second training on a locked run folder refuses with the other process named")
    func lockedRunFolderIsRefused() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let holder = try RunFolder(path: runs + "/busy")
        let result = try Tool.run(Self.small + ["--run-dir", runs, "--name", "busy"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is in use by another training (process \(getpid()))"), "\(result.stderr)")
        _ = holder
    }

    @Test("--resume right after the stopped training let go of the folder (1 s later) continues it; a folder still held seconds later is refused naming the process")
    func resumeWaitsForAStoppingTraining() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let interrupted = try Tool.run(Self.small + ["--run-dir", runs, "--name", "r"], environment: ["MLPLAB_FAULT_INTERRUPT_AT": "2:10"])
        #expect(interrupted.status == 130)
        // As rank 0 of a killed mpirun still exiting: it holds the folder for another second.
        try FolderLockTests.holdBriefly(runs + "/r", seconds: 1)
        let resumed = try Tool.run(["train", "--resume", runs + "/r"])
        #expect(resumed.status == 0 && resumed.stdout.contains("resuming after epoch 1"), "\(resumed.stderr)")
        let stuck = try FolderLock(path: runs + "/r")
        let refused = try Tool.run(["train", "--resume", runs + "/r", "--epochs", "6"])
        #expect(refused.status == 1 && refused.stderr.contains("is in use by another training (process \(getpid()))"), "\(refused.stderr)")
        withExtendedLifetime(stuck) {}
    }

    @Test("resuming with another configuration names the field; a missing folder is named")
    func resumeChecksConfiguration() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let killed = try Tool.run(Self.small + ["--run-dir", runs, "--name", "r"], environment: ["MLPLAB_FAULT_KILL_AT": "2:5"])
        #expect(killed.status == 9)
        let other = try Tool.run(Self.small.map { $0 == "0.1" ? "0.2" : $0 } + ["--resume", runs + "/r"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("training.optimizer.learning_rate was 0.1 in that run, 0.2 now"), "\(other.stderr)")
        // Re-stating some stored values and leaving out the rest (--subset, --hidden, …) is the same run.
        let same = try Tool.run(["train", "--resume", runs + "/r", "--epochs", "5", "--lr", "0.1"])
        #expect(same.status == 0, "\(same.stderr)")
        // Options the resume does not compare (where the cache lives) are no crash; an empty one
        // is refused before anything is opened.
        let otherCache = try Tool.run(["train", "--resume", runs + "/r", "--cache-dir", runs + "/cache"])
        #expect(otherCache.status == 1 && otherCache.stderr.contains("has finished its 5 epochs")
                && otherCache.stderr.contains("--epochs N (N above 5)"), "\(otherCache.stderr)")
        let emptyCache = try Tool.run(["train", "--resume", runs + "/r", "--cache-dir", ""])
        #expect(emptyCache.status == 64 && emptyCache.stderr.contains("--cache-dir is empty"), "\(emptyCache.stderr)")
        // The advice holds: more epochs continue the finished run from its checkpoint.
        let further = try Tool.run(["train", "--resume", runs + "/r", "--epochs", "6"])
        #expect(further.status == 0 && further.stdout.contains("resuming after epoch 5"), "\(further.stderr)")
        #expect(try String(contentsOfFile: runs + "/r/metrics.jsonl", encoding: .utf8).split(separator: "\n").count == 6)
        let fewer = try Tool.run(["train", "--resume", runs + "/r", "--epochs", "4"])
        #expect(fewer.status == 1 && fewer.stderr.contains("training.epochs was 6 in that run, 4 now"), "\(fewer.stderr)")
        let missing = try Tool.run(["train", "--resume", runs + "/nothing"])
        #expect(missing.status == 1 && missing.stderr.contains("is not a run folder"))
        let taken = try Tool.run(Self.small + ["--run-dir", runs, "--name", "r"])
        #expect(taken.status == 1 && taken.stderr.contains("already holds a run"))
    }

    @Test("a full disk while writing a checkpoint: a clear error, the previous checkpoint intact", .disabled(if: Tool.underThreadSanitizer))
    func fullDiskKeepsPreviousCheckpoint() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let killed = try Tool.run(Self.small + ["--run-dir", runs, "--name", "d"], environment: ["MLPLAB_FAULT_KILL_AT": "3:5"])
        #expect(killed.status == 9)
        let before = try bytes(runs + "/d/checkpoint.safetensors")
        // A file-size limit below the checkpoint's size: writing the next one fails part-way.
        let binary = try #require(Tool.binary)
        let limited = try Tool.run(["-c", "ulimit -f \(before.count / 1024 / 2) && exec \"$0\" train --resume \"$1\"", binary, runs + "/d"],
                                   executable: "/bin/sh")
        #expect(limited.status == 1)
        #expect(limited.stderr.contains("cannot write '\(runs)/d/checkpoint.safetensors'"), "\(limited.stderr)")
        #expect(try bytes(runs + "/d/checkpoint.safetensors") == before)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: runs + "/d").contains { $0.contains(".tmp-") })
        let resumed = try Tool.run(["train", "--resume", runs + "/d"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }

    @Test("lr 0.2 with momentum 0.98 stops with a diagnosis naming momentum, exit 3, the folder still valid")
    func divergenceIsDiagnosed() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let result = try Tool.run(["train", "fashion-mnist", "--lr", "0.2", "--momentum", "0.98", "--epochs", "3", "--subset", "20000",
                                   "--run-dir", runs, "--name", "div"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("momentum 0.98 is too high") && result.stderr.contains("--momentum 0.9"), "\(result.stderr)")
        #expect(result.stderr.contains("gradient norm"))
        let metrics = try String(contentsOfFile: runs + "/div/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(metrics.count == 1)
        #expect(FileManager.default.fileExists(atPath: runs + "/div/model.safetensors"))
        // One wording of what happened, in the tool's message and in summary.md.
        let stored = try #require(try RunFiles.result(in: runs + "/div"))
        let what = try #require(stored.divergence).summary(classCount: 10)
        #expect(what.contains("in epoch 1") && result.stderr.contains("mlplab: " + what + ": momentum 0.98"), "\(result.stderr)")
        let summary = try String(contentsOfFile: runs + "/div/summary.md", encoding: .utf8)
        #expect(summary.contains("**Diverged**: \(what)."))
        // The tool's report names its flags, as its message does; result.json keeps the keys.
        #expect(summary.contains("Use --momentum 0.9 or lower") && !summary.contains("training.optimizer"), "\(summary)")
        #expect(try #require(stored.divergence).diagnosis.contains("training.optimizer.momentum 0.9"))
    }

    @Test("--patience stops early and keeps the best weights as model.safetensors")
    func patienceKeepsBestWeights() throws {
        let runs = try TestSupport.temporaryDirectory().path
        // A large step on little data: validation accuracy soon stops improving.
        let result = try Tool.run(["train", "fashion-mnist", "--subset", "1000", "--epochs", "40", "--hidden", "32", "--lr", "0.3",
                                   "--momentum", "0.9", "--patience", "2", "--run-dir", runs, "--name", "p", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let epochs = try #require(summary["epochs"] as? [[String: Any]])
        let best = try #require(summary["best_epoch"] as? Int)
        #expect(summary["stopped_early"] as? Bool == true)
        #expect(epochs.count == best + 2 && epochs.count < 40)
        #expect(try bytes(runs + "/p/model.safetensors") != bytes(runs + "/p/last.safetensors"))
    }

    @Test("evaluate scores a run folder on the run's own split (its --test, --val and seed), and says which")
    func evaluateUsesTheRunsSplit() throws {
        let folder = try FolderBuilder.twoClasses(perClass: 40)
        let runs = try TestSupport.temporaryDirectory().path
        let trained = try Tool.run(["train", folder.path, "--test", "0.5", "--val", "0.2", "--seed", "3", "--epochs", "2",
                                    "--hidden", "8", "--run-dir", runs, "--name", "f", "--json", "--no-cache"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let result = try JSONCoding.decode(RunResult.self, from: Data(trained.stdout.utf8))
        let evaluation = try Tool.run(["evaluate", runs + "/f", folder.path, "--json", "--no-cache"])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let report = try JSONCoding.decode(ModelEvaluation.self, from: Data(evaluation.stdout.utf8))
        #expect(report.samples == result.splitSizes.test && report.samples == 40, "scored \(report.samples) images")
        #expect(report.accuracy == result.testAccuracy)
        #expect(report.split == "a stratified 50 % test split, seed 3")
        // Another fraction or seed for a run folder would score images it trained on: refused,
        // naming the model file, which scores any split asked for.
        let other = try Tool.run(["evaluate", runs + "/f", folder.path, "--test", "0.25", "--json", "--no-cache"])
        #expect(other.status == 1 && other.stderr.contains("--test 0.25 is not the run's 0.5") && other.stderr.contains("f/model.safetensors"), "\(other.stderr)")
        let reseeded = try Tool.run(["evaluate", runs + "/f", folder.path, "--seed", "4", "--no-cache"])
        #expect(reseeded.status == 1 && reseeded.stderr.contains("--seed 4 is not the run's 3"), "\(reseeded.stderr)")
        let anySplit = try Tool.run(["evaluate", runs + "/f/model.safetensors", folder.path, "--test", "0.25", "--json", "--no-cache"])
        #expect(try JSONCoding.decode(ModelEvaluation.self, from: Data(anySplit.stdout.utf8)).samples == 20)
    }

    @Test("evaluate reproduces the run's test accuracy; predict ranks classes; mismatches are named")
    func evaluateAndPredict() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let trained = try Tool.run(Self.small + ["--run-dir", runs, "--name", "e", "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(trained.stdout.utf8)) as? [String: Any])
        let evaluation = try Tool.run(["evaluate", runs + "/e", "fashion-mnist", "--json"])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as? [String: Any])
        #expect(report["accuracy"] as? Double == summary["test_accuracy"] as? Double)
        #expect((report["classes"] as? [Any])?.count == 10)
        // evaluate's charts sit beside the training's, which stay train against test (adversarial 8).
        #expect(FileManager.default.fileExists(atPath: runs + "/e/evaluation-confusion.svg"))
        #expect(try String(contentsOfFile: runs + "/e/per-class.svg", encoding: .utf8).contains(">train<"))

        // Two test images as PNG files: an ankle boot (test image 0) and a trouser (test image 2).
        let dataset = try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(nil))
        let folder = try TestSupport.temporaryDirectory()
        let boot = folder.appendingPathComponent("boot.png").path, trouser = folder.appendingPathComponent("trouser.png").path
        try dataset.image(at: 60_000).pngData().write(to: URL(fileURLWithPath: boot))
        try dataset.image(at: 60_002).pngData().write(to: URL(fileURLWithPath: trouser))
        let predicted = try Tool.run(["predict", runs + "/e/model.safetensors", boot, trouser, "--top", "2", "--json"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let predictions = try #require(try JSONSerialization.jsonObject(with: Data(predicted.stdout.utf8)) as? [[String: Any]])
        let firsts = predictions.map { (($0["classes"] as? [[String: Any]])?.first?["name"] as? String) }
        #expect(firsts == ["Ankle boot", "Trouser"])
        #expect(predictions.allSatisfy { ($0["classes"] as? [Any])?.count == 2 })

        let big = folder.appendingPathComponent("big.png").path
        try GrayImage(width: 30, height: 28, pixels: Array(repeating: 9, count: 840)).pngData().write(to: URL(fileURLWithPath: big))
        let wrongSize = try Tool.run(["predict", runs + "/e", big])
        #expect(wrongSize.status == 1 && wrongSize.stderr.contains("is 30×28 pixels but the model takes 28×28"), "\(wrongSize.stderr)")
        let products = try FolderBuilder.good()
        let wrongData = try Tool.run(["evaluate", runs + "/e", products.path, "--no-cache"])
        #expect(wrongData.status == 1 && wrongData.stderr.contains("takes 28×28 images, the data has 6×4"), "\(wrongData.stderr)")
        let garbage = folder.appendingPathComponent("m.safetensors").path
        try Data("not a model at all".utf8).write(to: URL(fileURLWithPath: garbage))
        let bad = try Tool.run(["predict", garbage, boot])
        #expect(bad.status == 1 && bad.stderr.contains("m.safetensors"), "\(bad.stderr)")

        // predict has the options its messages name: --max-pixels and --skip-unreadable.
        let limited = try Tool.run(["predict", runs + "/e", boot, "--max-pixels", "100"])
        #expect(limited.status == 1 && limited.stderr.contains("--max-pixels"), "\(limited.stderr)")
        let corrupt = folder.appendingPathComponent("corrupt.png").path
        try Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).write(to: URL(fileURLWithPath: corrupt))
        let stopped = try Tool.run(["predict", runs + "/e", corrupt, boot])
        #expect(stopped.status == 1 && stopped.stderr.contains("corrupt.png") && stopped.stderr.contains("--skip-unreadable"), "\(stopped.stderr)")
        let fifo = folder.appendingPathComponent("pipe.png").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let skipped = try Tool.run(["predict", runs + "/e", corrupt, fifo, boot, "--skip-unreadable"])
        #expect(skipped.status == 0 && skipped.stdout.hasPrefix(boot + ": Ankle boot"), "\(skipped.stdout) \(skipped.stderr)")
        #expect(skipped.stderr.contains("skipped '\(corrupt)'") && skipped.stderr.contains("pipe.png") && skipped.stderr.contains("not a regular file"), "\(skipped.stderr)")
        // Skipped as asked: the lines say why, not to pass the flag that was passed.
        #expect(!skipped.stderr.contains("--skip-unreadable") && !skipped.stderr.contains("Remove or replace"), "\(skipped.stderr)")
        let none = try Tool.run(["predict", runs + "/e", corrupt, "--skip-unreadable"])
        #expect(none.status == 1 && none.stderr.contains("nothing to predict"), "\(none.stderr)")
    }

    @Test("train into a named folder holding a user's files refuses and leaves them; study and sweep -o likewise unless --force")
    func foldersWithOtherFilesAreLeftAlone() throws {
        let root = try TestSupport.temporaryDirectory().path
        try FileManager.default.createDirectory(atPath: root + "/R/mine", withIntermediateDirectories: true)
        try Data("my summary".utf8).write(to: URL(fileURLWithPath: root + "/R/mine/summary.md"))
        let train = try Tool.run(Self.small + ["--run-dir", root + "/R", "--name", "mine"])
        #expect(train.status == 1 && train.stderr.contains("summary.md") && train.stderr.contains("--name"), "\(train.stderr)")
        #expect(try String(contentsOfFile: root + "/R/mine/summary.md", encoding: .utf8) == "my summary")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/R/mine") == ["summary.md"])

        try FileManager.default.createDirectory(atPath: root + "/site", withIntermediateDirectories: true)
        try Data("<p>mine</p>".utf8).write(to: URL(fileURLWithPath: root + "/site/index.html"))
        let study = try Tool.run(["study", "--quick", "-o", root + "/site"])
        #expect(study.status == 1 && study.stderr.contains("index.html") && study.stderr.contains("--force"), "\(study.stderr)")
        let sweep = try Tool.run(["sweep", "fashion-mnist", "--lr", "0.1", "-o", root + "/site"])
        #expect(sweep.status == 1 && sweep.stderr.contains("--force"), "\(sweep.stderr)")
        #expect(try String(contentsOfFile: root + "/site/index.html", encoding: .utf8) == "<p>mine</p>")
    }

    @Test("a batch size larger than the data trains on the whole split at once instead of asking for memory it never uses")
    func batchLargerThanTheData() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let result = try Tool.run(["train", "fashion-mnist", "--subset", "300", "--hidden", "16", "--batch-size", "100000",
                                   "--epochs", "1", "--run-dir", runs])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
