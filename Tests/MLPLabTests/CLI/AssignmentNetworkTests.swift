import Foundation
import MLPLab
import Testing

/// The assignment's own network, 4800-3600-2400-1200-52 from 60×80 colour images (JPEG and PNG,
/// 52 unbalanced classes: `AssignmentFolder`), through the files and commands a user gets: train,
/// the model file, predict, evaluate, resume, Ctrl-C, two MPI ranks, bf16. Issue 23: this network
/// crashed on main while writing its model file, and every test used a smaller one. `make test`
/// runs these in release and again under AddressSanitizer (`make test-asan`).
@Suite(.serialized)
struct AssignmentNetworkTests {
    static let layerSizes = [4800, 3600, 2400, 1200, 52]

    /// `train` on the assignment-shaped folder, 2 threads, into `runs/name`, plus `extra`.
    static func train(_ runs: String, _ name: String, epochs: Int, _ extra: [String] = [],
                      environment: [String: String] = [:]) throws -> Tool.Result {
        try Tool.run(["train", try AssignmentFolder.shared(), "--epochs", String(epochs), "--threads", "2",
                      "--run-dir", runs, "--name", name] + extra, environment: environment)
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func record(_ folder: String) throws -> RunRecord {
        try JSONCoding.decode(RunRecord.self, from: bytes(folder + "/config.json"))
    }

    static func result(_ folder: String) throws -> RunResult {
        try JSONCoding.decode(RunResult.self, from: bytes(folder + "/result.json"))
    }

    static func metricLines(_ folder: String) throws -> [Substring] {
        try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
    }

    @Test("train 2 epochs: the model file holds the weights a training in this process gives, bit for bit; predict's logits equal a Double forward of the file; evaluate agrees with result.json; --resume --epochs 3 continues")
    func trainPredictEvaluateResume() throws {
        let runs = try TestSupport.temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let folder = runs + "/a"
        let trained = try Self.train(runs, "a", epochs: 2)
        try #require(trained.status == 0, "train: \(trained.stderr)")

        // The run is the assignment's network, on 52 classes of 60×80 images.
        let record = try Self.record(folder)
        #expect(record.model.layerSizes == Self.layerSizes)
        #expect(record.imageWidth == AssignmentFolder.width && record.imageHeight == AssignmentFolder.height)
        let result = try Self.result(folder)
        #expect(result.epochs.count == 2 && result.splitSizes.train + result.splitSizes.validation + result.splitSizes.test == AssignmentFolder.totalImages)

        // The same record trained in this process, through the library, gives the file's weights
        // bit for bit: model.safetensors the kept (best) ones, last.safetensors and the
        // checkpoint the last ones.
        let (dataset, _) = try record.data.load(threads: 2, cache: nil)
        var lastParameters: [Float] = []
        nonisolated(unsafe) var inProcess: TrainingRun?
        let again = try Training.run(record, on: dataset) { event in
            switch event {
            case .started(let run, _): inProcess = run
            case .epoch(let metrics) where metrics.epoch == 2: lastParameters = inProcess?.model.pyTorchParameters ?? []
            default: break
            }
        }
        let run = try #require(inProcess)
        let model = try ModelFile(contentsOf: folder + "/model.safetensors")
        #expect(model.configuration.layerSizes == Self.layerSizes && model.classNames.count == AssignmentFolder.classCount)
        #expect(model.parameters.count == run.model.parameters.count)
        #expect(model.parameters == run.model.pyTorchParameters, "model.safetensors differs from the weights trained in process")
        let last = try ModelFile(contentsOf: folder + "/last.safetensors")
        #expect(last.parameters == lastParameters, "last.safetensors differs from epoch 2's weights")
        let checkpoint = try TrainingCheckpoint(contentsOf: folder + "/checkpoint.safetensors", record: record)
        #expect(checkpoint.parameters == lastParameters, "the checkpoint differs from epoch 2's weights")
        #expect(again.testAccuracy == result.testAccuracy && again.epochs.map(\.loss) == result.epochs.map(\.loss))

        // predict: JPEG and PNG images of three classes; every logit against a Double forward of
        // the file, from the image decoded to gray (Pillow's formula) and divided by 255.
        let images = [(0, 0), (0, 1), (25, 2), (51, 1)].map { c, i in
            "\(try! AssignmentFolder.shared())/\(AssignmentFolder.className(c))/\(String(format: "%03d", i)).\(i % 2 == 0 ? "jpg" : "png")"
        }
        let predicted = try Tool.run(["predict", folder] + images + ["--json", "--top", "52"])
        try #require(predicted.status == 0, "predict: \(predicted.stderr)")
        let predictions = try JSONCoding.decode([Classifier.Prediction].self, from: Data(predicted.stdout.utf8))
        #expect(predictions.map(\.image) == images)
        #expect(model.inputScaling == .unitRange)
        let reference = ReferenceMLP(sizes: Self.layerSizes, activation: model.configuration.activation)
        let theta = model.parameters.map(Double.init)
        for (path, prediction) in zip(images, predictions) {
            let gray = try GrayImage.decode(Self.bytes(path), path: path)
            #expect(gray.width == 60 && gray.height == 80)
            let expected = reference.logits(parameters: theta, input: gray.pixels.map { Double($0) / 255 }[...])
            let difference = TestSupport.maximumDifference(prediction.logits, expected)
            let scale = expected.map(abs).max() ?? 1
            #expect(prediction.logits.count == 52 && difference <= 1e-5 * max(1, scale),
                    "\(path): largest logit difference \(difference) (largest logit \(scale))")
            let best = expected.indices.max { expected[$0] < expected[$1] }!
            #expect(prediction.classes.first?.name == model.classNames[best], "\(path): top class")
        }

        // evaluate scores the run's own test split as training did.
        let evaluated = try Tool.run(["evaluate", folder, try AssignmentFolder.shared(), "--json"])
        try #require(evaluated.status == 0, "evaluate: \(evaluated.stderr)")
        let evaluation = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
        #expect(evaluation["accuracy"] as? Double == result.testAccuracy, "evaluate: \(evaluation["accuracy"] ?? "none")")
        #expect((evaluation["classes"] as? [Any])?.count == AssignmentFolder.classCount)

        // --resume --epochs 3 trains one more epoch on the same weights.
        let resumed = try Tool.run(["train", "--resume", folder, "--epochs", "3"])
        try #require(resumed.status == 0, "resume: \(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming after epoch 2"), "\(resumed.stdout)")
        let lines = try Self.metricLines(folder)
        #expect(lines.count == 3)
        let longer = try Self.result(folder)
        #expect(longer.epochs.count == 3 && Array(longer.epochs.prefix(2)) == result.epochs)
        #expect(try ModelFile(contentsOf: folder + "/model.safetensors").parameters.count == run.model.parameters.count)
    }

    @Test("Ctrl-C in epoch 2 of 3 exits 130 with the resume command; --resume gives the uninterrupted run's files byte for byte")
    func interruptThenResume() throws {
        let runs = try TestSupport.temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let interrupted = try Self.train(runs, "i", epochs: 3, environment: ["MLPLAB_FAULT_INTERRUPT_AT": "2:2"])
        #expect(interrupted.status == 130, "\(interrupted.stderr)")
        #expect(interrupted.stderr.contains("stopped after epoch 1 of 3"), "\(interrupted.stderr)")
        #expect(interrupted.stderr.contains("mlplab train --resume \(runs)/i"), "\(interrupted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/i/model.safetensors"))
        let resumed = try Tool.run(["train", "--resume", runs + "/i"])
        try #require(resumed.status == 0, "resume: \(resumed.stderr)")
        let whole = try Self.train(runs, "w", epochs: 3)
        try #require(whole.status == 0, "train: \(whole.stderr)")
        for file in ["model.safetensors", "last.safetensors"] {
            #expect(try Self.bytes("\(runs)/w/\(file)") == Self.bytes("\(runs)/i/\(file)"), "\(file) differs after the resume")
        }
        #expect(try SafeTensors(contentsOf: runs + "/w/checkpoint.safetensors").tensors
                == SafeTensors(contentsOf: runs + "/i/checkpoint.safetensors").tensors)
    }

    @Test("2 MPI ranks train the assignment's network as one process does: weights within 1e-5, the same test accuracy",
          .enabled(if: MPIRun.path != nil))
    func twoRanks() throws {
        let runs = try TestSupport.temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let arguments = ["train", try AssignmentFolder.shared(), "--epochs", "2", "--threads", "1", "--run-dir", runs]
        let alone = try Tool.run(arguments + ["--name", "alone"])
        try #require(alone.status == 0, "one process: \(alone.stderr)")
        let spread = try DistributedTests.spread(2, arguments + ["--name", "spread"])
        try #require(spread.status == 0, "2 ranks: \(spread.stderr)")
        #expect(try Self.record(runs + "/spread").processes == 2)
        let a = try ModelFile(contentsOf: runs + "/alone/model.safetensors").parameters
        let b = try ModelFile(contentsOf: runs + "/spread/model.safetensors").parameters
        let parameterCount = try Self.record(runs + "/alone").model.parameterCount
        #expect(a.count == b.count && a.count == parameterCount)
        let difference = DistributedTests.relativeDifference(a, b)
        #expect(difference < 1e-5, "relative difference of the weights: \(difference)")
        let resultA = try Self.result(runs + "/alone"), resultB = try Self.result(runs + "/spread")
        #expect(resultA.testAccuracy == resultB.testAccuracy)
        for (x, y) in zip(resultA.epochs, resultB.epochs) { #expect(abs(x.loss - y.loss) < 1e-4, "epoch \(x.epoch)'s loss") }
    }

    @Test("bf16 products train the assignment's network and write a float32 model file that predicts: emulated on any CPU, the hardware's where it has AVX512-BF16",
          arguments: ["bf16-emulated", "bf16"])
    func bfloat16(precision: String) throws {
        let runs = try TestSupport.temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: runs) }
        let trained = try Self.train(runs, "b", epochs: 2, ["--precision", precision])
        try #require(trained.status == 0, "train --precision \(precision): \(trained.stderr)")
        let result = try Self.result(runs + "/b")
        let expected: Precision = precision == "bf16" && !MatMul.supportsBFloat16 ? .float32 : Precision(rawValue: precision)!
        #expect(result.productPrecision == expected, "ran \(result.productPrecision)")
        if precision == "bf16" && !MatMul.supportsBFloat16 { #expect(trained.stderr.contains("f32"), "no fallback note: \(trained.stderr)") }
        #expect(result.epochs.allSatisfy { $0.loss.isFinite } && result.divergence == nil)
        let model = try ModelFile(contentsOf: runs + "/b/model.safetensors")
        #expect(model.configuration.layerSizes == Self.layerSizes && model.parameters.allSatisfy(\.isFinite))
        let image = "\(try AssignmentFolder.shared())/\(AssignmentFolder.className(3))/000.jpg"
        let predicted = try Tool.run(["predict", runs + "/b", image, "--json"])
        #expect(predicted.status == 0, "predict: \(predicted.stderr)")
    }

    @Test("study <folder> --quick runs all 12 parts on the assignment's network, and every run folder holds its model file")
    func quickStudy() throws {
        let root = try TestSupport.temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let output = root + "/report"
        let study = try Tool.run(["study", try AssignmentFolder.shared(), "--quick", "--threads", "2", "-o", output])
        try #require(study.status == 0, "study: \(study.stderr)")
        #expect(study.stdout.contains("35 runs trained, 0 reused"), "\(study.stdout)")
        let markdown = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        let sections = markdown.components(separatedBy: "\n## Part ").dropFirst()
        #expect(sections.map { Int($0.prefix { $0.isNumber }) } == Array(1...12))
        let html = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        #expect((1...12).allSatisfy { html.contains("id=\"part\($0)\"") })
        let runs = try FileManager.default.contentsOfDirectory(atPath: output + "/runs").filter { !$0.hasPrefix(".") }
        #expect(runs.count == 35)
        for name in runs {
            let folder = "\(output)/runs/\(name)"
            let record = try Self.record(folder)
            #expect(record.model.layerSizes == Self.layerSizes, "\(name): \(record.model.layerSizes)")
            let result = try Self.result(folder)
            #expect(result.epochs.count >= 1 && result.parameterCount == record.model.parameterCount, "\(name)")
            // Every model file reads back whole, with the run's shape (the crash was here).
            let model = try ModelFile(contentsOf: folder + "/model.safetensors")
            #expect(model.configuration == record.model && model.parameters.count == record.model.parameterCount, "\(name)")
        }
    }
}
