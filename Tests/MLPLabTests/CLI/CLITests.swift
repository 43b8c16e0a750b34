import Foundation
import MLPLab
import Testing

@Suite(.serialized)
struct CLITests {
    /// Bad options: exit 64 and one line that names the option and what to give instead.
    @Test("bad options name the option and the fix", arguments: [
        (["train", "--lr", "-1"], "--lr must be a positive number"),
        (["train", "--hidden", "0"], "hidden widths must be whole numbers from 1 to 1000000"),
        (["train", "--hidden", "2000000"], "hidden widths must be whole numbers from 1 to 1000000"),
        (["sweep", "--lr", "0.1:0.01:x2"], "is not a list or range of numbers"),
        (["train", "--batch-size", "0"], "--batch-size must be at least 1"),
        (["train", "--val", "1.5"], "--val must be at least 0 and below 1"),
        (["train", "--momentum", "1.5"], "--momentum must be at least 0 and below 1"),
        (["train", "--nesterov"], "--nesterov needs --momentum above 0"),
        (["train", "--activation", "swish"], "swish"),
        (["model", "--classes", "0"], "--classes must be at least 1"),
        // The same rules in every command (each of these crashed or ran before the checks moved
        // onto the configuration types).
        (["sweep", "--threads", "70000"], "--threads must be at most 1,024"),
        (["study", "--threads", "70000"], "--threads must be at most 1,024"),
        (["lr-find", "--threads", "0"], "--threads must be at least 1"),
        (["sweep", "--batch-size", "1e300"], "--batch-size must hold whole numbers"),
        (["sweep", "--activation", ""], "--activation must name one of"),
        (["sweep", "--epochs", "-5"], "--epochs must be at least 1"),
        (["train", "--epochs", "-5"], "--epochs must be at least 1"),
        (["model", "--inputs", "4000000000000000000"], "--inputs must be at most"),
        (["study", "--val", "0"], "--val must be above 0 for a study"),
        (["train", "--name", "a/b"], "--name must be a plain folder name"),
        (["lr-find", "fashion-mnist", "--subset", "100", "--batch-size", "101"], "--batch-size must leave at least 10 batches"),
        (["lr-find", "fashion-mnist", "--subset", "100", "--batch-size", "100"], "--batch-size must leave at least 10 batches"),
        (["lr-find", "fashion-mnist", "--subset", "300", "--hidden", "8", "--batch-size", "150"], "--batch-size must leave at least 10 batches"),
        (["lr-find", "fashion-mnist", "--steps", "5"], "--steps must be at least 10"),
        // Options that contradict each other, or one that another makes unused: refused, never
        // silently dropped.
        (["train", "--resume", "runs/x", "--run-dir", "elsewhere"], "--resume names the run folder itself (e.g. --resume runs/lr0.053); leave out --run-dir."),
        (["train", "--patience", "2", "--val", "0"], "--patience watches validation accuracy, and --val 0 holds out no validation split"),
        (["study", "--full", "--subset", "100"], "--full trains Parts 3–11 on all training images and --subset on 100; give one of them."),
        (["info", "--no-cache", "--cache-dir", "/tmp/c"], "--no-cache reads and writes no cache, so --cache-dir would not be used"),
        // Adam's settings and SGD's kept apart, each checked as torch.optim checks it.
        (["train", "--beta1", "0.8"], "--beta1 is Adam's; add --optimizer adam or adamw, or leave it out."),
        (["train", "--amsgrad"], "--amsgrad is Adam's"),
        (["train", "--optimizer", "adam", "--momentum", "0.9"], "--momentum is SGD's, not Adam's (got 0.9); leave it out (Adam's running mean of the gradient is --beta1), or train with --optimizer sgd"),
        (["train", "--optimizer", "adamw", "--beta2", "1"], "--beta2 must be at least 0 and below 1"),
        (["train", "--optimizer", "adam", "--eps", "0"], "--eps must be a positive number"),
        (["train", "--optimizer", "rmsprop"], "'sgd', 'adam' or 'adamw'"),
        (["train", "--dropout", "1"], "--dropout must be at least 0 and below 1 (got 1.0)"),
        (["train", "--dropout", "0.2,x"], "dropout probabilities are numbers from 0 to below 1"),
        (["train", "--dropout", "0.2,0.1"], "--dropout takes one probability, or one per hidden layer (3 here); got 2."),
        (["train", "--hidden", "32", "--dropout", "0.2,0.1"], "(1 here); got 2."),
        (["train", "--augment", "rotate"], "augmentations are flip, shift:N"),
        (["sweep", "--dropout", "0.2,0.1"], "(3 here); got 2."),
        (["lr-find", "--dropout", "1.5"], "--dropout must be at least 0 and below 1"),
        (["sweep", "--augment", "shift:0"], "augmentations are flip, shift:N"),
        (["train", "--augment", "shift:100"], "--augment shift must be at most 64"),
        (["train", "--no-cache", "--cache-dir", "/tmp/c"], "--no-cache reads and writes no cache"),
        (["train", "--cache-dir", ""], "--cache-dir is empty; name a folder"),
        // A folder or name left out before the next option is missing, not a folder named after
        // the option ('study -o --force' wrote its report into ./--force).
        (["study", "-o", "--force"], "Missing value for '-o <folder>'"),
        (["sweep", "-o", "--json"], "Missing value for '-o <folder>'"),
        (["evaluate", "runs/x", "-o", "--json"], "Missing value for '-o <folder>'"),
        (["train", "--name", "--epochs", "2"], "Missing value for '--name <name>'"),
        (["train", "--run-dir", "--name", "a"], "Missing value for '--run-dir <folder>'"),
        (["train", "--resume", "--epochs", "2"], "Missing value for '--resume <run folder>'"),
        (["train", "--init-from", "--epochs", "2"], "Missing value for '--init-from <file>'"),
        (["predict", "m", "i.png", "--with", "--json"], "Missing value for '--with <model>'"),
        (["info", "--data-dir", "--json"], "Missing value for '--data-dir <folder>'"),
        (["samples", "-o", "--seed", "2"], "Missing value for '-o <file>'"),
        (["doctor", "--cache-dir", ""], "--cache-dir is empty; name a folder"),
        (["sweep", "--cache-dir", ""], "--cache-dir is empty; name a folder"),
    ])
    func badOptionsAreRejected(arguments: [String], message: String) throws {
        let result = try Tool.run(arguments)
        #expect(result.status == 64, "\(arguments): exit \(result.status)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Stack") && !result.stderr.contains("Fatal error"))
        #expect(result.stdout.isEmpty)
    }

    /// The library names the setting by its key (training.batch_size, ConfigurationErrorTests);
    /// the tool shows the flag that was typed.
    @Test("a batch size of 0 is named by its flag on the terminal, not by its configuration key")
    func batchSizeErrorNamesTheFlag() throws {
        let result = try Tool.run(["train", "--batch-size", "0"])
        #expect(result.status == 64, "exit \(result.status)")
        #expect(result.stderr.contains("Error: --batch-size must be at least 1 (got 0); the assignment uses 64."), "\(result.stderr)")
        #expect(!result.stderr.contains("training.batch_size"), "\(result.stderr)")
    }

    @Test("bad data gives one line naming it and the fix, exit 1", arguments: [
        (["train", "no/such/folder"], "'no/such/folder' does not exist"),
        (["train", "foo"], "unknown data set 'foo'"),
        (["train", "fashion-mnist", "--data-dir", "/nonexistent"], "apt-get install dataset-fashion-mnist"),
    ])
    func badDataIsRejected(arguments: [String], message: String) throws {
        let result = try Tool.run(arguments + ["--epochs", "1"])
        #expect(result.status == 1, "\(arguments): exit \(result.status)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test("a truncated IDX file in a data folder is named, exit 1")
    func truncatedIDXIsRejected() throws {
        let directory = try TestSupport.temporaryDirectory()
        let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
        for name in names {
            let isImages = name.contains("images")
            let bytes = IDXFixture.bytes(magic: [0, 0, 8, isImages ? 3 : 1], dimensions: isImages ? [4, 2, 2] : [4],
                                         payload: Array(repeating: 1, count: isImages ? 16 : 4))
            _ = try IDXFixture.write(name == "train-images-idx3-ubyte" ? Array(bytes.dropLast(5)) : bytes,
                                     to: directory.appendingPathComponent(name))
        }
        let result = try Tool.run(["train", "fashion-mnist", "--data-dir", directory.path, "--epochs", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("train-images-idx3-ubyte' is truncated"), "\(result.stderr)")
    }

    @Test("model prints totals past 2³¹ as they are, not wrapped to negative numbers")
    func largeTotalsDoNotWrap() throws {
        let result = try Tool.run(["model", "--inputs", "50000", "--hidden", "50000"])
        #expect(result.status == 0 && result.stdout.contains("total -> 2500550010 ("), "\(result.stdout)")
    }

    @Test("the model listing matches the assignment's")
    func modelListingMatchesAssignment() throws {
        let result = try Tool.run(["model", "--inputs", "4800", "--classes", "52"])
        #expect(result.status == 0)
        for line in ["layer1.weight -> 17280000", "layer1.bias -> 3600", "layer2.weight -> 8640000", "layer2.bias -> 2400",
                     "layer3.weight -> 2880000", "layer3.bias -> 1200", "layer4.weight -> 62400", "layer4.bias -> 52",
                     "total -> 28869652"] {
            #expect(result.stdout.contains(line), "missing '\(line)'")
        }
    }

    @Test("train --json prints one JSON object with the results", .enabled(if: TestSupport.fashionMNISTAvailable))
    func trainPrintsJSON() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let result = try Tool.run(["train", "fashion-mnist", "--subset", "2000", "--epochs", "2", "--hidden", "64",
                                   "--lr", "0.1", "--json", "--threads", "1", "--run-dir", runs])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let epochs = try #require(object["epochs"] as? [[String: Any]])
        #expect(epochs.count == 2)
        #expect(epochs.allSatisfy { $0["loss"] is Double && $0["validation_accuracy"] is Double && $0["seconds"] is Double })
        let test = try #require(object["test_accuracy"] as? Double)
        #expect(test > 0.6 && test <= 1)
        let record = try #require(object["record"] as? [String: Any])
        #expect(object["samples_per_second"] is Double && (record["training"] as? [String: Any])?["threads"] as? Int == 1)
        #expect((record["engine"] as? String)?.hasPrefix("oneDNN") == true)
        // --json prints the run folder's result.json object, key for key.
        let folder = try #require(object["run_folder"] as? String)
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/result.json"))) as? NSDictionary)
        #expect(stored == object as NSDictionary)
        // The human-readable lines went to stderr, so stdout is only the JSON.
        #expect(result.stderr.contains("epoch 1/2"))
    }

    @Test("a diverging run says why and exits with 3", .enabled(if: TestSupport.fashionMNISTAvailable))
    func divergenceExitsWithThree() throws {
        let result = try Tool.run(["train", "fashion-mnist", "--no-normalize", "--lr", "0.05", "--epochs", "2", "--subset", "3000"])
        #expect(result.status == 3)
        #expect(result.stdout.contains("loss nan"))
        #expect(result.stderr.contains("the inputs are not scaled to 0…1"))
        #expect(result.stderr.contains("Drop --no-normalize"))
    }

    // MARK: image folders

    @Test("train runs end to end on an image folder and info describes it")
    func trainsOnImageFolder() throws {
        let folder = try FolderBuilder.twoClasses(perClass: 30)
        let cache = try TestSupport.temporaryDirectory("cache").path
        let train = try Tool.run(["train", folder.path, "--epochs", "2", "--hidden", "8", "--cache-dir", cache, "--threads", "1"])
        #expect(train.status == 0, "\(train.stderr)")
        // 60 images: 12 held out for test (0.2), 5 of the remaining 48 for validation (0.1, rounded up).
        #expect(train.stdout.contains("43 train, 5 validation, 12 test; 6×5, 2 classes"), "\(train.stdout)")
        #expect(train.stdout.contains("model   30-8-2,"))
        #expect(train.stdout.contains("test acc"))
        let info = try Tool.run(["info", folder.path, "--cache-dir", cache, "--json"])
        #expect(info.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        #expect(object["images"] as? Int == 60 && object["width"] as? Int == 6 && object["height"] as? Int == 5)
        #expect((object["split"] as? [String: Int]) == ["train": 43, "validation": 5, "test": 12])
    }

    @Test("--optimizer adamw trains with torch's defaults (lr 0.001, weight decay 0.01), says so, keeps them in config.json, and resumes", .enabled(if: TestSupport.fashionMNISTAvailable))
    func adamWOption() throws {
        let runs = try TestSupport.temporaryDirectory("runs").path
        let arguments = ["train", "fashion-mnist", "--subset", "2000", "--hidden", "32", "--threads", "1", "--optimizer", "adamw",
                         "--run-dir", runs, "--name", "aw"]
        let train = try Tool.run(arguments + ["--epochs", "2"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("optim   AdamW, lr 0.001, betas 0.9/0.999, eps 1e-08, weight decay 0.01 (decoupled)"), "\(train.stdout)")
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runs + "/aw/config.json"))) as? [String: Any])
        let optimizer = try #require((config["training"] as? [String: Any])?["optimizer"] as? [String: Any])
        #expect(optimizer["algorithm"] as? String == "adamw" && optimizer["learning_rate"] as? Double == 0.001
                && optimizer["weight_decay"] as? Double == 0.01 && optimizer["beta2"] as? Double == 0.999, "\(optimizer)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runs + "/aw/result.json"))) as? [String: Any])
        #expect((result["test_accuracy"] as? Double ?? 0) > 0.6, "AdamW learned: \(result["test_accuracy"] ?? "")")
        let summary = try String(contentsOfFile: runs + "/aw/summary.md", encoding: .utf8)
        #expect(summary.contains("- optimizer: AdamW, lr 0.001"), "\(summary)")
        let resumed = try Tool.run(["train", "--resume", runs + "/aw", "--epochs", "3"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let other = try Tool.run(["train", "--resume", runs + "/aw", "--optimizer", "sgd"])
        #expect(other.status != 0 && other.stderr.contains("training.optimizer.algorithm was adamw in that run, sgd now"), "\(other.stderr)")
    }

    @Test("--init-from starts from a PyTorch state_dict's weights, records the file and its fingerprint; a file of another shape is one line naming the tensor and leaves no run folder", .enabled(if: TestSupport.fashionMNISTAvailable))
    func initFromOption() throws {
        let runs = try TestSupport.temporaryDirectory("runs").path
        let model = ModelConfiguration(inputSize: 784, hiddenSizes: [16], classCount: 10)
        // A torch model under the assignment's names (fc1, fc2), saved with safetensors.
        var generator = RandomGenerator(seed: 3, stream: .samples)
        let values = (0..<model.parameterCount).map { _ in generator.nextFloat(in: -0.05, 0.05) }
        var tensors: [SafeTensors.Tensor] = []
        for (index, layer) in MLP.layout(model).enumerated() {
            tensors.append(SafeTensors.Tensor(name: "fc\(index + 1).weight", shape: [layer.outputSize, layer.inputSize], values: Array(values[layer.weightRange])))
            tensors.append(SafeTensors.Tensor(name: "fc\(index + 1).bias", shape: [layer.outputSize], values: Array(values[layer.biasRange])))
        }
        let file = runs + "/torch.safetensors"
        try SafeTensors(metadata: [:], tensors: tensors).encoded().write(to: URL(fileURLWithPath: file))
        // A step too small to move the weights: the model file must hold the file's weights.
        let arguments = ["train", "fashion-mnist", "--subset", "600", "--hidden", "16", "--epochs", "1", "--lr", "1e-12", "--threads", "1",
                         "--run-dir", runs]
        let train = try Tool.run(arguments + ["--name", "from", "--init-from", file])
        #expect(train.status == 0, "\(train.stderr)")
        let trained = try ModelFile(contentsOf: runs + "/from/model.safetensors").parameters
        #expect(TestSupport.maximumDifference(trained, values) < 1e-6)
        let config = try String(contentsOfFile: runs + "/from/config.json", encoding: .utf8)
        #expect(config.contains("\"init_from\"") && config.contains("\"path\" : \"\(file)\""), "\(config)")
        let drawn = try Tool.run(arguments + ["--name", "drawn"])
        #expect(drawn.status == 0)
        #expect(TestSupport.maximumDifference(try ModelFile(contentsOf: runs + "/drawn/model.safetensors").parameters, values) > 0.01)

        let wrong = try Tool.run(arguments + ["--name", "wrong", "--hidden", "32", "--init-from", file])
        #expect(wrong.status == 1 && wrong.stderr.contains("'fc1.weight' is [16, 784], the model 784-32-10 needs [32, 784] there"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/wrong"), "nothing is left behind")
        let resumed = try Tool.run(["train", "--resume", runs + "/from", "--init-from", file])
        #expect(resumed.status == 64 && resumed.stderr.contains("leave out --init-from"), "\(resumed.stderr)")
    }

    @Test("--precision bf16 trains, in bf16 where the CPU has it and with a note and float32 where not; a wrong name exits 64")
    func precisionOption() throws {
        let folder = try FolderBuilder.twoClasses(perClass: 20)
        let runs = try TestSupport.temporaryDirectory("runs").path
        let train = try Tool.run(["train", folder.path, "--epochs", "1", "--hidden", "8", "--no-cache", "--threads", "1",
                                  "--precision", "bf16", "--run-dir", runs, "--name", "bf16", "--json"])
        #expect(train.status == 0, "\(train.stderr)")
        let ran = MatMul.supportsBFloat16 ? "bf16" : "f32"
        #expect(train.stderr.contains("products in \(ran)"), "with --json the progress goes to stderr: \(train.stderr)")
        #expect(train.stdout.contains("\"product_precision\" : \"\(ran)\""), "--json says what ran: \(train.stdout)")
        let summary = try String(contentsOfFile: runs + "/bf16/summary.md", encoding: .utf8)
        #expect(summary.contains("products in \(ran)"), "\(summary)")
        if !MatMul.supportsBFloat16 {
            #expect(train.stderr.contains("note: --precision bf16: this CPU has no bf16 instructions"), "\(train.stderr)")
        }
        // Where bf16 runs but is slower than f32 (AVX512-BF16 without AMX, measured at the start),
        // the note gives the ratio and the flag that trains faster.
        if train.stderr.contains("bf16 products run at") {
            #expect(train.stderr.contains("× float32's speed") && train.stderr.contains("--precision f32 trains faster here"), "\(train.stderr)")
        }
        let config = try String(contentsOfFile: runs + "/bf16/config.json", encoding: .utf8)
        #expect(config.contains("\"precision\" : \"bf16\""), "the run records what was asked for: \(config)")
        let wrong = try Tool.run(["train", folder.path, "--precision", "fp8"])
        #expect(wrong.status == 64 && wrong.stderr.contains("--precision"), "\(wrong.stderr)")
    }

    @Test("a model too large for the machine's memory is refused before anything is allocated, exit 1")
    func modelTooLargeForMemory() throws {
        let folder = try FolderBuilder.twoClasses(perClass: 10)
        let runs = try TestSupport.temporaryDirectory("runs").path
        let result = try Tool.run(["train", folder.path, "--hidden", "1000000,1000000", "--no-cache", "--run-dir", runs, "--name", "big"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("the model 30-1000000-1000000-2 has 1e+12 parameters") && result.stderr.contains("Choose smaller --hidden"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: runs + "/big"), "no empty run folder left behind")
    }

    @Test("a --run-dir that cannot be written is refused before the data is read; failed data leaves no run folder")
    func runFolderCheckedBeforeTheData() throws {
        let folder = try FolderBuilder.good()
        try folder.write("bee/bad.jpg", Data("not an image".utf8))
        // A path below a regular file cannot be made, even by root (tests may run as root).
        let file = try TestSupport.temporaryDirectory("plainfile").appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        let unwritable = try Tool.run(["train", folder.path, "--no-cache", "--run-dir", file.path + "/runs", "--name", "r"])
        #expect(unwritable.status == 1, "\(unwritable.stderr)")
        #expect(unwritable.stderr.contains("cannot create '\(file.path)': it is a file, not a folder") && !unwritable.stderr.contains("bad.jpg"),
                "the run folder's place is named, before the bad image is met: \(unwritable.stderr)")
        let taken = try TestSupport.temporaryDirectory("takenrun").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: taken + "/config.json"))
        let again = try Tool.run(["train", folder.path, "--no-cache", "--run-dir", (taken as NSString).deletingLastPathComponent,
                                  "--name", (taken as NSString).lastPathComponent])
        #expect(again.status == 1 && again.stderr.contains("already holds a run") && !again.stderr.contains("bad.jpg"),
                "a taken name is said before the data is read: \(again.stderr)")

        let runs = try TestSupport.temporaryDirectory("runs").path
        let badData = try Tool.run(["train", folder.path, "--no-cache", "--run-dir", runs, "--name", "r"])
        #expect(badData.status == 1 && badData.stderr.contains("bad.jpg"), "\(badData.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/r"), "no empty run folder left behind")
    }

    @Test("a bad image in a folder: one line naming it, exit 1; --skip-unreadable goes on")
    func badImageInFolder() throws {
        let folder = try FolderBuilder.good()
        try folder.write("bee/bad.jpg", Data("not an image".utf8))
        let result = try Tool.run(["info", folder.path, "--no-cache"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot decode '\(folder.path)/bee/bad.jpg'"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        let skipped = try Tool.run(["info", folder.path, "--no-cache", "--skip-unreadable"])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("skipped 1 unreadable file (--skip-unreadable): bee/bad.jpg"), "\(skipped.stderr)")
    }

    @Test("samples and distribution write well-formed SVGs and nothing when they fail")
    func chartsAreWritten() throws {
        let folder = try FolderBuilder.good()
        let output = try TestSupport.temporaryDirectory("charts")
        let samples = try Tool.run(["samples", folder.path, "-o", output.path + "/samples.svg", "--no-cache"])
        #expect(samples.status == 0, "\(samples.stderr)")
        let samplesSVG = try String(contentsOfFile: output.path + "/samples.svg", encoding: .utf8)
        #expect(try ElementCounter.parse(samplesSVG).counts["image"] == 3)
        let distribution = try Tool.run(["distribution", folder.path, "-o", output.path + "/distribution.svg", "--no-cache"])
        #expect(distribution.status == 0)
        #expect(try ElementCounter.parse(try String(contentsOfFile: output.path + "/distribution.svg", encoding: .utf8)).counts["rect"] == 4)
        // An output folder that does not exist: a clear error and no file anywhere.
        let missing = try Tool.run(["distribution", folder.path, "-o", output.path + "/no/such/dir/d.svg", "--no-cache"])
        #expect(missing.status == 1 && missing.stderr.contains("cannot"), "\(missing.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == ["distribution.svg", "samples.svg"])
    }
}
