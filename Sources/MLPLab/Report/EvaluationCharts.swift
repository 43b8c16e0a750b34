import Foundation

/// `mlplab evaluate`'s charts: the test accuracy of each class and the test confusion matrix.
public enum EvaluationCharts {
    /// Writes `per-class.svg` and `confusion.svg` of `evaluation` into `folder` (made if needed).
    public static func write(_ evaluation: Evaluation, classNames: [String], to folder: String) throws {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw AtomicFileError(path: folder, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        let perClass = GroupedBarChart(title: "test accuracy of each class", categories: classNames,
                                       series: [("test", evaluation.perClassAccuracy)])
        try AtomicFile.write(Data(perClass.svg.utf8), to: folder + "/" + RunFolder.File.perClassChart.rawValue)
        let confusion = ConfusionMatrixChart(title: "test confusion matrix", classNames: classNames, counts: evaluation.confusion)
        try AtomicFile.write(Data(confusion.svg.utf8), to: folder + "/" + RunFolder.File.confusionChart.rawValue)
    }
}
