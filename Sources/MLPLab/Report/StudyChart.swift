import Foundation

/// A chart of the study's report, described by what it shows; `svg(dataset:)` draws it. Kept
/// apart from the drawing so that the report's text (and `StudyReport.headlines`) can be
/// written without drawing anything.
enum StudyChart {
    /// Mean training loss per epoch, one line per run (nan is not drawn, but marked).
    case loss(title: String, runs: [StudyRun])
    /// Validation accuracy per epoch, one line per run.
    case validationAccuracy(title: String, runs: [StudyRun])
    /// Best validation accuracy of each run, one bar each (0 when the run diverged first).
    case score(title: String, runs: [StudyRun])
    /// Train and test accuracy of each class for one run.
    case perClass(StudyRun)
    /// Test accuracy of each class, from figures that are not one run's (Part 12's vote).
    case testPerClass(title: String, values: [Double?])
    /// Images of the data set, given by index, with their class names (Part 1).
    case samples([Int])
    /// Images per class, in the order given (Part 2).
    case distribution([(label: String, value: Double)])

    /// The chart's short name: the figure's accessible label in HTML, its alt text in Markdown.
    var title: String {
        switch self {
        case .loss(let title, _), .validationAccuracy(let title, _), .score(let title, _): title
        case .perClass, .testPerClass: "accuracy of each class"
        case .samples: "samples"
        case .distribution: "distribution"
        }
    }

    /// The chart as a standalone SVG document.
    func svg(dataset: Dataset) -> String {
        switch self {
        case .loss(let title, let runs):
            return LineChart(title: title, yLabel: "mean training loss",
                             series: runs.map { .init(name: $0.label, values: $0.result.epochs.map(\.loss)) }).svg
        case .validationAccuracy(let title, let runs):
            var chart = LineChart(title: title, yLabel: "validation accuracy",
                                  series: runs.map { .init(name: $0.label, values: $0.result.epochs.map { $0.validationAccuracy ?? .nan }) })
            chart.startsAtZero = false
            return chart.svg
        case .score(let title, let runs):
            var chart = BarChart(title: title, valueLabel: "best validation accuracy (0 when diverged first)",
                                 bars: runs.map { (label: $0.label, value: $0.result.bestValidationAccuracy ?? 0) })
            chart.format = { String(format: "%.4f", $0) }
            return chart.svg
        case .perClass(let run):
            return GroupedBarChart(title: "\(run.label): accuracy of each class", categories: dataset.classNames,
                                   series: [("train", run.result.trainPerClass), ("test", run.result.testPerClass)]).svg
        case .testPerClass(let title, let values):
            return GroupedBarChart(title: title, categories: dataset.classNames, series: [("test", values)]).svg
        case .samples(let indices):
            return DatasetCharts.samples(dataset, indices: indices, title: "\(indices.count) random images of different classes").svg
        case .distribution(let bars):
            return BarChart(title: "images per class", valueLabel: "images", bars: bars).svg
        }
    }
}
