import ArgumentParser
import Foundation
import MLPLab

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Overall and per-class accuracy of a trained model on a data set's test split, with charts.",
        discussion: """
            The test split is the data set's official one (Fashion-MNIST) or, for a folder, the stratified --test fraction with the seed. A run folder is scored on its own test split, rebuilt from its data, --test and seed: other data, or another --test or --seed, is refused (that split would hold images the run trained on); give the run's model.safetensors instead to score any split. A model file alone trains nothing and is scored on the split asked for. A model trained with --resize reads the data resized to its size, as in training.

            Examples:
              mlplab evaluate runs/lr0.053 fashion-mnist
              mlplab evaluate report/runs/beyond-cosine-* fashion-mnist --with report/runs/beyond-adamw-*   (Part 12's soft vote)
            """
    )

    @Argument(help: "A run folder or a model.safetensors file.")
    var model: String

    @Option(name: .customLong("with"), help: ArgumentHelp("Another run folder or model file to vote with (repeat for more): the soft vote of all of them is scored, their probabilities averaged as in the study's Part 12. Every run folder's own test split must be the one scored. Its charts are written only with -o.", valueName: "model"))
    var others: [String] = []

    @OptionGroup(title: "Data") var dataOptions: DataOptions

    @OptionGroup var seedOption: SeedOption

    @Option(name: .shortAndLong, help: ArgumentHelp("Write evaluation-per-class.svg and evaluation-confusion.svg here (default: the run folder, beside the training's own charts; none for a bare model file). A file of those names that MLPLab did not draw is refused, never replaced.", valueName: "folder"))
    var output: String?

    @OptionGroup var jsonOption: JSONOption
    var json: Bool { jsonOption.json }

    func run() throws {
        let (report, evaluation, dataset) = try ModelEvaluation.evaluate(
            models: [model] + others, data: { [dataOptions] in dataOptions.configuration(base: $0) }, seed: seedOption.seed,
            load: { [dataOptions] in try dataOptions.load($0, threads: $1) })
        let path = report.model
        let chartFolder = output ?? (path == model || !others.isEmpty ? nil : model)
        let charts = try chartFolder.map { try EvaluationCharts.write(evaluation, classNames: dataset.classNames, to: $0) } ?? []
        if json {
            print(try JSONCoding.string(report))
            return
        }
        print(OneLine.escaped("\(path) on \(dataset.name), \(report.split): accuracy \(Format.number(report.accuracy)) (\(evaluation.correct.reduce(0, +)) of \(report.samples) test images), loss \(Format.number(report.loss))"))
        print("")
        print(report.table.text)
        if !charts.isEmpty { print("\ncharts: " + charts.map(OneLine.escaped).joined(separator: ", ")) }
    }
}
