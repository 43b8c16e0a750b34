import Foundation
import MLPLab
import Testing

/// Classifier: its logits are the model's forward, its probabilities a softmax of them, its
/// evaluation a training run's, and it reads back the model files MLPLab writes.
struct ClassifierTests {
    /// A model trained for 3 epochs on 3,000 quadrant images (hidden 16, batch 32, one thread):
    /// enough samples that evaluating the training split takes more than one chunk of 1024.
    static func trainedRun() throws -> TrainingRun {
        try TrainingRunTests.run(SyntheticData.quadrants(count: 3000), hidden: [16], epochs: 3, threads: 1)
    }

    static func classifier(_ run: TrainingRun, scaling: InputScaling = .unitRange, threads: Int = 1) throws -> Classifier {
        try Classifier(ModelFile(dataset: run.dataset, model: run.model, scaling: scaling), threads: threads)
    }

    /// A plain Double softmax, written independently of the library's.
    static func referenceSoftmax(_ z: ArraySlice<Float>) -> [Double] {
        let maximum = Double(z.max()!)
        let exponentials = z.map { Foundation.exp(Double($0) - maximum) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    @Test("probabilities sum to 1 and match a Double softmax of the logits within 1e-6")
    func probabilitiesMatchDoubleSoftmax() throws {
        let classifier = try Self.classifier(try Self.trainedRun())
        let classes = classifier.classCount
        // The model's own logits, plus rows of large, spread and equal logits (exp would
        // overflow without subtracting the maximum).
        var logits = classifier.logits(pixels: Array(SyntheticData.quadrants(count: 200, seed: 7).pixels))
        logits += [1000, 999, 0, -1000, 88, 89, 90, 91, -3e4, 3e4, 0, 1, 5, 5, 5, 5]
        let random = TestSupport.randomBuffer(400, seed: 3, scale: 40)
        logits += random.array
        let probabilities = classifier.probabilities(logits: logits)
        let rows = logits.count / classes
        var largest = 0.0, largestSumError = 0.0
        for row in 0..<rows {
            let range = (row * classes)..<((row + 1) * classes)
            largest = max(largest, TestSupport.maximumDifference(probabilities[range], Self.referenceSoftmax(logits[range])))
            largestSumError = max(largestSumError, abs(probabilities[range].reduce(0.0) { $0 + Double($1) } - 1))
        }
        #expect(largest < 1e-6, "largest difference from the Double softmax: \(largest)")
        #expect(largestSumError < 1e-6, "largest |Σp − 1|: \(largestSumError)")
        #expect(probabilities.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        print("softmax vs Double reference over \(rows) rows: largest difference \(largest), largest |Σp − 1| \(largestSumError)")
    }

    @Test("logits equal MLP.forward on the same rows, bit for bit, scaled as the model file says",
          arguments: [InputScaling.unitRange, .raw])
    func logitsEqualForward(scaling: InputScaling) throws {
        let run = try Self.trainedRun()
        let classifier = try Self.classifier(run, scaling: scaling)
        let rows = Array(run.split.test.prefix(300))
        let workspace = Workspace(configuration: run.model.configuration, capacity: rows.count)
        BatchLoader.gather(rows[...], from: run.dataset, scaling: scaling, into: workspace.input, labels: workspace.labels)
        MatMul.setThreadCount(1)
        let forward = run.model.forward(workspace, rows: rows.count, engine: MatMul())
        let expected = (0..<(forward.rows * forward.columns)).map { forward.base[$0] }

        let images = rows.map { run.dataset.image(at: $0) }
        let fromImages = try classifier.logits(images)
        let fromPixels = classifier.logits(pixels: images.flatMap(\.pixels))
        #expect(fromImages.count == rows.count * classifier.classCount)
        #expect(fromImages == expected, "largest difference: \(TestSupport.maximumDifference(fromImages, expected))")
        #expect(fromPixels == expected)
        #expect(classifier.logits(pixels: []).isEmpty)
    }

    @Test("evaluation equals TrainingRun.evaluate exactly, over one chunk and several")
    func evaluationEqualsTrainingRun() throws {
        let run = try Self.trainedRun()
        let classifier = try Self.classifier(run)
        #expect(run.split.train.count > Classifier.chunkSize)
        for indices in [run.split.test, run.split.train, Array(0..<run.dataset.count), []] {
            let expected = try run.evaluate(indices)
            let evaluation = try classifier.evaluate(indices, of: run.dataset)
            #expect(evaluation == expected)
            #expect(evaluation.loss.bitPattern == expected.loss.bitPattern)
        }
        #expect(try classifier.evaluate(run.split.test, of: run.dataset).accuracy > 0.95)
    }

    @Test("top ranks by probability, equal ones by lower class index, NaN last")
    func topRanksByProbabilityThenIndex() throws {
        let classifier = try Self.classifier(try Self.trainedRun())  // classes a, b, c, d
        let ranked = classifier.top(4, of: [0.1, 0.4, 0.1, 0.4][...])
        #expect(ranked.map(\.index) == [1, 3, 0, 2])
        #expect(ranked.map(\.name) == ["b", "d", "a", "c"])
        #expect(ranked.map(\.probability) == [0.4, 0.4, 0.1, 0.1])
        #expect(classifier.top(2, of: [0.2, .nan, 0.5, 0.3][...]).map(\.index) == [2, 3])
        #expect(classifier.top(9, of: [0.2, .nan, 0.5, 0.3][...]).map(\.index) == [2, 3, 0, 1])
        #expect(classifier.top(0, of: [0.25, 0.25, 0.25, 0.25][...]).isEmpty)

        // Per image: the first class is the model's prediction, probabilities descending.
        let dataset = SyntheticData.quadrants(count: 8, seed: 5)
        let images = (0..<dataset.count).map { dataset.image(at: $0) }
        let tops = try classifier.top(3, of: images)
        #expect(tops.count == 8 && tops.allSatisfy { $0.count == 3 })
        let logits = try classifier.logits(images)
        let predicted = UnsafeMutablePointer<Int32>.allocate(capacity: 8)
        defer { predicted.deallocate() }
        var copy = logits
        copy.withUnsafeMutableBufferPointer { MLP.predictions(logits: Matrix($0.baseAddress!, rows: 8, columns: 4), into: predicted) }
        #expect(tops.map { Int32($0[0].index) } == Array(UnsafeBufferPointer(start: predicted, count: 8)))
        #expect(tops.allSatisfy { $0[0].probability >= $0[1].probability && $0[1].probability >= $0[2].probability })
    }

    @Test("a model file written with ModelFile loads into a Classifier, from the file or its folder")
    func modelFileRoundTrip() throws {
        let run = try Self.trainedRun()
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("model.safetensors").path
        try ModelFile(dataset: run.dataset, model: run.model, scaling: .raw).write(to: path)

        let fromFile = try Classifier(contentsOf: path, threads: 1)
        let fromFolder = try Classifier(contentsOf: folder.path, threads: 1)
        #expect(fromFolder.path == path && fromFile.path == path)
        for classifier in [fromFile, fromFolder] {
            #expect(classifier.classNames == ["a", "b", "c", "d"])
            #expect(classifier.imageWidth == 8 && classifier.imageHeight == 8 && classifier.inputScaling == .raw)
            #expect(classifier.model.configuration == run.model.configuration)
            #expect(classifier.model.parameters.array == run.model.parameters.array)
        }
        let pixels = Array(run.dataset.pixels.prefix(50 * 64))
        #expect(fromFile.logits(pixels: pixels) == (try Self.classifier(run, scaling: .raw)).logits(pixels: pixels))
    }

    @Test("an image file loads as its pixels, and ranks as the same image in memory (docs/library.md's example)")
    func imageFileLoadsAsInTraining() throws {
        let run = try Self.trainedRun()
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ModelFile(dataset: run.dataset, model: run.model, scaling: .unitRange).write(to: folder.path + "/model.safetensors")
        let original = run.dataset.image(at: 5)
        let png = folder.path + "/five.png"
        try original.pngData().write(to: URL(fileURLWithPath: png))

        let classifier = try Classifier(contentsOf: folder.path, threads: 1)
        let image = try classifier.image(contentsOf: png)
        #expect(image == original)
        let top = try classifier.top(3, of: [image])[0]
        let inMemory = try Self.classifier(run).top(3, of: [original])[0]
        #expect(top.count == 3 && top == inMemory)
        #expect(throws: DatasetError.unreadable(path: folder.path + "/none.png", reason: "No such file or directory")) {
            try classifier.image(contentsOf: folder.path + "/none.png")
        }
    }

    @Test("a model trained with --resize resizes an image of another size as training did; others refuse it (adversarial 13)")
    func resizedModelResizesImages() throws {
        let run = try Self.trainedRun()
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ModelFile(dataset: run.dataset, model: run.model, scaling: .unitRange, resized: true).write(to: folder.path + "/model.safetensors")
        let classifier = try Classifier(contentsOf: folder.path, threads: 1)
        #expect(classifier.resizesImages)
        let large = GrayImage(width: 20, height: 12, pixels: (0..<240).map { UInt8($0 % 251) })
        let png = folder.path + "/large.png"
        try large.pngData().write(to: URL(fileURLWithPath: png))
        let expected = try large.resized(width: 8, height: 8, path: png)
        #expect(try classifier.image(contentsOf: png) == expected)
        #expect(try classifier.logits([large]) == classifier.logits([expected]))
        // A data set of another size is read resized: evaluate's configuration gets the model's size.
        #expect(classifier.preparing(DataConfiguration()).imageFolder.resize == ImageSize(width: 8, height: 8))
        // Without the key the image is refused, as before.
        try ModelFile(dataset: run.dataset, model: run.model, scaling: .unitRange).write(to: folder.path + "/model.safetensors")
        let plain = try Classifier(contentsOf: folder.path, threads: 1)
        #expect(!plain.resizesImages && plain.preparing(DataConfiguration()).imageFolder.resize == nil)
        #expect(throws: CheckpointError.imageSizeMismatch(image: png, width: 20, height: 12, modelWidth: 8, modelHeight: 8)) {
            try plain.image(contentsOf: png)
        }
    }

    @Test("data or images that do not fit the model are refused with the model's and image's names")
    func mismatchesAreNamed() throws {
        let run = try Self.trainedRun()
        let classifier = try Classifier(ModelFile(dataset: run.dataset, model: run.model, scaling: .unitRange),
                                    path: "runs/q/model.safetensors", threads: 1)
        try classifier.check(against: run.dataset)
        var renamed = run.dataset
        renamed.classNames[3] = "z"
        #expect(throws: CheckpointError.self) { try classifier.check(against: renamed) }
        #expect(throws: CheckpointError.self) { try classifier.evaluate([0], of: renamed) }
        let wide = Dataset(name: "wide", classNames: ["a", "b", "c", "d"], imageWidth: 9, imageHeight: 8,
                           pixels: Array(repeating: 0, count: 72), labels: [0])
        do {
            try classifier.check(against: wide)
            Issue.record("a 9×8 data set passed the check of an 8×8 model")
        } catch {
            #expect("\(error)".contains("runs/q/model.safetensors") && "\(error)".contains("takes 8×8 images, the data has 9×8"))
        }
        let image = GrayImage(width: 9, height: 8, pixels: Array(repeating: 0, count: 72))
        #expect(throws: CheckpointError.imageSizeMismatch(image: "images[1]", width: 9, height: 8, modelWidth: 8, modelHeight: 8)) {
            try classifier.logits([run.dataset.image(at: 0), image])
        }
    }

    @Test("a model file built in memory whose parts disagree is refused by name before it sizes a buffer: image size, classes, parameters (issue 23's audit)")
    func inconsistentModelFileIsRefused() throws {
        let model = MLP(configuration: ModelConfiguration(inputSize: 4, hiddenSizes: [3], classCount: 2))
        let good = ModelFile(model: model, classNames: ["a", "b"], imageWidth: 2, imageHeight: 2, inputScaling: .unitRange)
        _ = try Classifier(good, threads: 1)
        // 28×28 images for a model of 4 inputs: the classifier's rows were 4 floats wide and
        // 784 were written into each.
        var wide = good
        (wide.imageWidth, wide.imageHeight) = (28, 28)
        var fewClasses = good
        fewClasses.classNames = ["a"]
        var reshaped = good
        reshaped.configuration.hiddenSizes = [100_000]  // the parameters are still the small model's
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (file, key) in [(wide, "input_width/input_height"), (fewClasses, "classes"), (reshaped, "hidden_sizes")] {
            do {
                _ = try Classifier(file, path: "m.safetensors", threads: 1)
                Issue.record("\(key): a classifier was made")
            } catch let error as CheckpointError {
                guard case let .badMetadata(path, named, _) = error else { Issue.record("\(key): \(error)"); continue }
                #expect(path == "m.safetensors" && named == key, "\(error)")
            }
            let path = directory.path + "/\(key.prefix(5)).safetensors"
            #expect(throws: CheckpointError.self) { try file.write(to: path) }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}

extension ClassifierTests {
    @Test("a model file holding nan weights (a diverged run's) is refused, naming the tensor")
    func nonFiniteWeightsAreRefused() throws {
        let root = try TestSupport.temporaryDirectory().path
        _ = try Training.run(RunContinuationTests.record(epochs: 1), on: RunContinuationTests.dataset, in: try RunFolder(path: root + "/r"))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: root + "/r/model.safetensors")))
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any])
        let bias = try #require((header["layer2.bias"] as? [String: Any])?["data_offsets"] as? [Int])
        let nan = Float.nan.bitPattern
        for k in 0..<4 { bytes[8 + headerLength + bias[0] + k] = UInt8(truncatingIfNeeded: nan >> (8 * k)) }
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/r/model.safetensors"))
        #expect(throws: CheckpointError.nonFiniteWeights(path: root + "/r/model.safetensors", tensor: "layer2.bias")) {
            try Classifier(contentsOf: root + "/r")
        }
    }
}
