import Foundation
import MLPLab
import Testing

/// `mlplab study --quick` on a small subset, through the built tool: the report's structure,
/// its numbers against the run folders, and reuse on a second run.
@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable))
struct StudyTests {
    @Test("a quick study writes all 12 parts with numbers that match its runs, and reuses them")
    func quickStudyReport() throws {
        let output = try TestSupport.temporaryDirectory().path + "/report"
        let arguments = ["study", "--quick", "--subset", "600", "--hidden", "48", "-o", output]
        let first = try Tool.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("30 runs trained, 0 reused"), "\(first.stdout)")
        for file in ["index.html", "report.md", "results.json"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "missing \(file)")
        }

        // results.json: 12 parts, each run's numbers equal to its own folder's result.json.
        let results = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/results.json"))) as? [String: Any])
        let parts = try #require(results["parts"] as? [[String: Any]])
        #expect(parts.map { $0["number"] as? Int } == Array(1...12))
        var checked = 0
        for part in parts {
            #expect(!(part["findings"] as? [String] ?? []).isEmpty, "part \(part["number"]!) has no findings")
            for run in part["runs"] as? [[String: Any]] ?? [] {
                let outcome = try #require(run["outcome"] as? [String: Any])
                let folder = try #require(outcome["path"] as? String)
                let own = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/result.json"))) as? [String: Any])
                #expect(own["testAccuracy"] as? Double == outcome["testAccuracy"] as? Double)
                checked += 1
            }
        }
        #expect(checked >= 25)

        // Part 5's finding counts the non-zero parameters: only the 10 output biases learn.
        let zero = try #require(parts.first { $0["number"] as? Int == 5 })
        let zeroRun = try #require(((zero["runs"] as? [[String: Any]])?.first?["outcome"]) as? [String: Any])
        #expect(zeroRun["nonZeroParameters"] as? Int ?? 99 <= 10)
        #expect((zero["findings"] as? [String] ?? []).contains { $0.contains("\(zeroRun["nonZeroParameters"] as? Int ?? -1) of") })

        // Part 6 chose its learning rate on validation: the chosen run has the best validation score.
        let choices = try #require(results["choices"] as? [String: Double])
        let lrPart = try #require(parts.first { $0["number"] as? Int == 6 })
        let lrRuns = (lrPart["runs"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? [String: Any] }
        let bestRun = try #require(lrRuns.max { ($0["bestValidationAccuracy"] as? Double ?? 0) < ($1["bestValidationAccuracy"] as? Double ?? 0) })
        let bestTraining = ((bestRun["record"] as? [String: Any])?["training"] as? [String: Any])?["optimizer"] as? [String: Any]
        #expect(bestTraining?["learningRate"] as? Double == choices["learning_rate"])

        // The HTML is self-contained: 12 part sections, inline SVG, no script, no external resource.
        let html = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        #expect((1...12).allSatisfy { html.contains("id=\"part\($0)\"") })
        #expect(html.components(separatedBy: "<svg ").count > 20)
        #expect(!html.contains("<script") && !html.contains("http://cdn") && !html.contains("src=\"http"))

        // Running it again reuses every run.
        let second = try Tool.run(arguments)
        #expect(second.status == 0)
        #expect(second.stdout.contains("0 runs trained, 30 reused"), "\(second.stdout)")

        // A full disk while writing the report (a 2 KB file-size limit; every run is reused, so
        // only the report is written): a clear error, and the previous report intact.
        if Tool.underThreadSanitizer { return }
        let before = try ["index.html", "report.md", "results.json"].map { try Data(contentsOf: URL(fileURLWithPath: output + "/" + $0)) }
        let binary = try #require(Tool.binary)
        let full = try Tool.run(["-c", "ulimit -f 2 && exec \"$0\" \"$@\"", binary] + arguments, executable: "/bin/sh")
        #expect(full.status == 1, "\(full.stdout)\n\(full.stderr)")
        #expect(full.stderr.contains("cannot write '\(output)/") && full.stderr.contains("free space"), "\(full.stderr)")
        let after = try ["index.html", "report.md", "results.json"].map { try Data(contentsOf: URL(fileURLWithPath: output + "/" + $0)) }
        #expect(before == after)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: output).contains { $0.contains(".tmp-") })
    }

    @Test("two studies on one report folder: the second refuses")
    func concurrentStudyIsRefused() throws {
        let output = try TestSupport.temporaryDirectory().path + "/report"
        let lock = try FolderLock(path: output)
        let result = try Tool.run(["study", "--quick", "--subset", "300", "-o", output])
        #expect(result.status == 1 && result.stderr.contains("in use by another"), "\(result.stderr)")
        _ = lock
    }
}
