import Foundation
import MLPLab
import Testing

/// evaluate's charts (adversarial finding 8): names of their own beside a run's training charts,
/// and a user's file of those names refused, not replaced.
struct EvaluationChartsTests {
    static let evaluation = Evaluation(confusion: [[3, 1], [0, 4]], loss: 0.5)

    @Test("the charts leave a run's per-class.svg and confusion.svg alone and replace their own")
    func ownNamesBesideTheRunsCharts() throws {
        let folder = try TestSupport.temporaryDirectory().path
        try Data("training chart".utf8).write(to: URL(fileURLWithPath: folder + "/per-class.svg"))
        try Data("training chart".utf8).write(to: URL(fileURLWithPath: folder + "/confusion.svg"))
        let paths = try EvaluationCharts.write(Self.evaluation, classNames: ["a", "b"], to: folder)
        #expect(paths == EvaluationCharts.fileNames.map { folder + "/" + $0 })
        #expect(EvaluationCharts.fileNames == ["evaluation-per-class.svg", "evaluation-confusion.svg"])
        for name in ["per-class.svg", "confusion.svg"] {
            #expect(try String(contentsOfFile: folder + "/" + name, encoding: .utf8) == "training chart")
        }
        // Evaluating again replaces evaluate's own charts: each now holds what the new evaluation
        // draws (as in a fresh folder), not the first one's.
        func charts(in folder: String) throws -> [String] {
            try EvaluationCharts.fileNames.map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
        }
        let before = try charts(in: folder)
        let again = Evaluation(confusion: [[4, 0], [0, 4]], loss: 0.1)
        _ = try EvaluationCharts.write(again, classNames: ["a", "b"], to: folder)
        let fresh = try TestSupport.temporaryDirectory().path
        _ = try EvaluationCharts.write(again, classNames: ["a", "b"], to: fresh)
        let after = try charts(in: folder)
        #expect(after == (try charts(in: fresh)), "the charts are the new evaluation's")
        for (old, new) in zip(before, after) { #expect(old != new, "each chart was replaced") }
    }

    @Test("a file of the charts' names that MLPLab did not draw is refused, naming it, and neither chart is written")
    func usersFileIsRefused() throws {
        let folder = try TestSupport.temporaryDirectory().path
        let mine = folder + "/evaluation-confusion.svg"
        try Data("<svg>my own drawing</svg>".utf8).write(to: URL(fileURLWithPath: mine))
        do {
            _ = try EvaluationCharts.write(Self.evaluation, classNames: ["a", "b"], to: folder)
            Issue.record("a user's file was replaced")
        } catch let error as CheckpointError {
            #expect("\(error)".contains("evaluation-confusion.svg") && "\(error)".contains("MLPLab did not draw"), "\(error)")
        }
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "<svg>my own drawing</svg>")
        #expect(!FileManager.default.fileExists(atPath: folder + "/evaluation-per-class.svg"))
    }
}
