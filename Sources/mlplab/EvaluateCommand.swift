import ArgumentParser
import Foundation
import MLPLab

/// Reads a model from a .safetensors file or a run folder's model.safetensors.
enum ModelSource {
    static func path(_ source: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue {
            return source + "/model.safetensors"
        }
        return source
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Overall and per-class accuracy of a trained model on a data set's test split, with charts.",
        discussion: """
            The test split is the data set's official one (Fashion-MNIST) or, for a folder, the stratified --test fraction with the run's seed (--seed), as in training.

            Examples:
              mlplab evaluate runs/lr0.053 fashion-mnist
              mlplab evaluate model.safetensors products --json
              mlplab evaluate runs/lr0.053 fashion-mnist -o charts/
            """
    )

    @Argument(help: "A run folder or a model.safetensors file.")
    var model: String

    @OptionGroup(title: "Data") var dataOptions: DataOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the split (a run folder's own seed by default).", valueName: "n"))
    var seed: UInt64?

    @Option(name: .shortAndLong, parsing: .unconditional, help: ArgumentHelp("Write per-class.svg and confusion.svg here (default: the run folder; none for a bare model file).", valueName: "folder"))
    var output: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Report: Codable {
        var model: String
        var data: String
        var samples: Int
        var accuracy: Double
        var loss: Double
        var classes: [ClassResult]
        struct ClassResult: Codable {
            var name: String
            var samples: Int
            var correct: Int
            var accuracy: Double?
        }
    }

    func run() throws {
        let path = ModelSource.path(model)
        let file = try ModelFile(contentsOf: path)
        let dataset = try dataOptions.load()
        try file.check(against: dataset, path: path)
        let runSeed = (try? JSONCoding.decode(RunRecord.self, from: Data(contentsOf: URL(fileURLWithPath: model + "/config.json"))))?.training.seed
        let split = try DatasetSplit.make(for: dataset, data: dataOptions.configuration(), seed: seed ?? runSeed ?? 1)
        var configuration = TrainingConfiguration()
        configuration.inputScaling = file.inputScaling
        configuration.threads = ProcessInfo.processInfo.activeProcessorCount
        let run = TrainingRun(dataset: dataset, split: split, model: file.configuration, configuration: configuration)
        run.model.parameters.copy(from: file.parameters)
        let evaluation = run.evaluate(split.test)

        let report = Report(model: path, data: dataset.name, samples: split.test.count, accuracy: evaluation.accuracy, loss: evaluation.loss,
                            classes: dataset.classNames.indices.map {
                                .init(name: dataset.classNames[$0], samples: evaluation.total[$0], correct: evaluation.correct[$0],
                                      accuracy: evaluation.perClassAccuracy[$0])
                            })
        let chartFolder = output ?? (path == model ? nil : model)
        if let chartFolder {
            try? FileManager.default.createDirectory(atPath: chartFolder, withIntermediateDirectories: true)
            let perClass = GroupedBarChart(title: "test accuracy of each class", categories: dataset.classNames,
                                           series: [("test", evaluation.perClassAccuracy)])
            try AtomicFile.write(Data(perClass.svg.utf8), to: chartFolder + "/per-class.svg")
            let confusion = ConfusionMatrixChart(title: "test confusion matrix", classNames: dataset.classNames, counts: evaluation.confusion)
            try AtomicFile.write(Data(confusion.svg.utf8), to: chartFolder + "/confusion.svg")
        }
        if json {
            print(try JSONCoding.string(report))
            return
        }
        print(String(format: "%@ on %@: accuracy %.4f (%d of %d test images), loss %@", path, dataset.name, evaluation.accuracy,
                     evaluation.correct.reduce(0, +), split.test.count, Format.number(evaluation.loss)))
        let width = max(5, dataset.classNames.map(\.count).max() ?? 5)
        print("")
        print("class".padding(toLength: width, withPad: " ", startingAt: 0) + "  accuracy   correct   images")
        for result in report.classes {
            print(result.name.padding(toLength: width, withPad: " ", startingAt: 0)
                  + String(format: "  %8@  %8d %8d", result.accuracy.map { String(format: "%.4f", $0) } ?? "–", result.correct, result.samples))
        }
        if let chartFolder { print("\ncharts: \(chartFolder)/per-class.svg, \(chartFolder)/confusion.svg") }
    }
}

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Class probabilities of new images from a trained model, preprocessed as in training.",
        discussion: """
            Each image is decoded and converted to gray as in training (Pillow's formula) and scaled as the model's metadata says; it must have the model's input size.

            Examples:
              mlplab predict runs/lr0.053 shoe.png
              mlplab predict model.safetensors a.jpg b.jpg --top 5 --json
            """
    )

    @Argument(help: "A run folder or a model.safetensors file.")
    var model: String

    @Argument(help: "Image files.")
    var images: [String]

    @Option(parsing: .unconditional, help: ArgumentHelp("How many of the most likely classes to print.", valueName: "k"))
    var top: Int = 3

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image file after the model.") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1 (got \(top)).") }
    }

    struct Prediction: Codable {
        var image: String
        var classes: [Entry]
        /// The model's raw outputs for every class, in class order (JSON only).
        var logits: [Float]
        struct Entry: Codable {
            var name: String
            var probability: Double
        }
    }

    func run() throws {
        let path = ModelSource.path(model)
        let file = try ModelFile(contentsOf: path)
        // Decode and check every image before computing anything.
        var decoded: [GrayImage] = []
        for image in images {
            let bytes: Data
            do { bytes = try Data(contentsOf: URL(fileURLWithPath: image)) } catch {
                throw DatasetError.unreadable(path: image, reason: FileManager.default.fileExists(atPath: image) ? "permission denied or not a file" : "no such file")
            }
            let gray = try GrayImage.decode(bytes, path: image)
            guard gray.width == file.imageWidth, gray.height == file.imageHeight else {
                throw CheckpointError.imageSizeMismatch(image: image, width: gray.width, height: gray.height,
                                                        modelWidth: file.imageWidth, modelHeight: file.imageHeight)
            }
            decoded.append(gray)
        }
        let dataset = Dataset(name: "images", classNames: file.classNames, imageWidth: file.imageWidth, imageHeight: file.imageHeight,
                              pixels: decoded.flatMap(\.pixels), labels: Array(repeating: 0, count: decoded.count))
        MatMul.setThreadCount(ProcessInfo.processInfo.activeProcessorCount)
        let engine = MatMul()
        let network = file.makeModel()
        let workspace = Workspace(configuration: file.configuration, capacity: decoded.count)
        BatchLoader.gather(Array(0..<decoded.count)[...], from: dataset, scaling: file.inputScaling, into: workspace.input, labels: workspace.labels)
        let logits = network.forward(workspace, rows: decoded.count, engine: engine)
        var predictions: [Prediction] = []
        for row in 0..<decoded.count {
            let z = (0..<logits.columns).map { Double(logits[row, $0]) }
            let maximum = z.max() ?? 0
            let exponentials = z.map { Foundation.exp($0 - maximum) }
            let sum = exponentials.reduce(0, +)
            let ranked = exponentials.enumerated().sorted { $0.element > $1.element }.prefix(top)
            predictions.append(Prediction(image: images[row], classes: ranked.map { .init(name: file.classNames[$0.offset], probability: $0.element / sum) },
                                          logits: (0..<logits.columns).map { logits[row, $0] }))
        }
        if json {
            print(try JSONCoding.string(predictions))
            return
        }
        for prediction in predictions {
            print("\(prediction.image): " + prediction.classes.map { String(format: "%@ %.3f", $0.name, $0.probability) }.joined(separator: ", "))
        }
    }
}
