import ArgumentParser
import Foundation
import MLPLab

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
        let classifier = try Classifier(contentsOf: model)
        let path = classifier.path
        let dataset = try dataOptions.load()
        try classifier.check(against: dataset)
        let runSeed = (try? JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: URL(fileURLWithPath: model + "/config.json"))))?.training.seed
        let split = try DatasetSplit.make(for: dataset, testFraction: dataOptions.testFraction,
                                          validationFraction: dataOptions.validationFraction, seed: seed ?? runSeed ?? 1)
        let evaluation = try classifier.evaluate(split.test, of: dataset)

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
            print(try JSONOutput.string(report))
            return
        }
        print(String(format: "%@ on %@: accuracy %.4f (%d of %d test images), loss %@", path, dataset.name, evaluation.accuracy,
                     evaluation.correct.reduce(0, +), split.test.count, Terminal.number(evaluation.loss)))
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
