import Foundation

/// `mlplab evaluate`'s charts: the test accuracy of each class and the test confusion matrix.
///
/// They have names of their own (`evaluation-per-class.svg`, `evaluation-confusion.svg`), so
/// evaluating a run in its folder never replaces the charts its training drew (`per-class.svg`
/// is train against test there). A file of those names that MLPLab did not draw is refused,
/// not overwritten: evaluate's `-o` may point at any folder.
public enum EvaluationCharts {
    /// The files `write` makes, in order: per class, confusion.
    public static let fileNames = ["evaluation-per-class.svg", "evaluation-confusion.svg"]

    static let perClassTitle = "test accuracy of each class"
    static let confusionTitle = "test confusion matrix"

    /// Writes the two charts of `evaluation` into `folder` (made if needed) and returns their
    /// paths. Throws `CheckpointError.folderNotFree`, before writing either, when a file of
    /// their names is there and is not an evaluation chart MLPLab drew.
    @discardableResult
    public static func write(_ evaluation: Evaluation, classNames: [String], to folder: String) throws -> [String] {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw AtomicFileError(path: folder, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        let paths = fileNames.map { folder + "/" + $0 }
        for (path, title) in zip(paths, [perClassTitle, confusionTitle]) { try checkReplaceable(path, title: title) }
        let perClass = GroupedBarChart(title: perClassTitle, categories: classNames, series: [("test", evaluation.perClassAccuracy)])
        try AtomicFile.write(Data(perClass.svg.utf8), to: paths[0])
        let confusion = ConfusionMatrixChart(title: confusionTitle, classNames: classNames, counts: evaluation.confusion)
        try AtomicFile.write(Data(confusion.svg.utf8), to: paths[1])
        return paths
    }

    /// Throws unless `path` is absent or an SVG that evaluate drew (an `<svg` holding its title).
    static func checkReplaceable(_ path: String, title: String) throws {
        guard FileManager.default.fileExists(atPath: path) || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil else { return }
        let head = FileManager.default.contents(atPath: path).map { String(decoding: $0.prefix(1 << 16), as: UTF8.self) } ?? ""
        if head.hasPrefix("<svg") && head.contains(">\(SVG.escape(title))<") { return }
        throw CheckpointError.folderNotFree(path: path, reason: "a file of this name is there and MLPLab did not draw it",
                                           fix: "Move it away, or give evaluate another -o folder; evaluate replaces only its own charts.")
    }
}
