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

        // results.json: every part's runs under their names, each run's numbers equal to its own
        // folder's result.json; no prose and no SVG (the report writes those).
        let json = try String(contentsOfFile: output + "/results.json", encoding: .utf8)
        #expect(!json.contains("<svg") && !json.contains("findings"))
        let results = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let runs = StudyTests.runs(in: results)
        #expect(Set(runs.map(\.name)).isSuperset(of: ["withoutNormalization", "withNormalization", "zeroInitialization", "learningRate.coarse",
                                                      "learningRate.small", "learningRate.large", "learningRate.best", "batchSize.batch32",
                                                      "batchSize.batch128HighRate", "batchSize.batch128LowRate", "momentum.runs", "epochs.long",
                                                      "activation.tanh", "activation.leakyReLU", "weightDecay.strong", "weightDecay.weak", "beyond"]))
        for (name, run) in runs {
            let outcome = try #require(run["outcome"] as? [String: Any])
            let folder = try #require(outcome["path"] as? String)
            let own = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/result.json"))) as? [String: Any])
            #expect(own["testAccuracy"] as? Double == outcome["testAccuracy"] as? Double, "\(name)")
        }
        #expect(Set(runs.compactMap { ($0.run["outcome"] as? [String: Any])?["path"] as? String }).count == 30)

        // report.md: 12 parts, each with findings, and each run's row gives that run's test accuracy.
        let markdown = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        let sections = markdown.components(separatedBy: "\n## Part ").dropFirst()
        #expect(sections.map { Int($0.prefix { $0.isNumber }) } == Array(1...12))
        for section in sections {
            #expect(section.components(separatedBy: "\n").contains { $0.hasPrefix("- ") }, "part \(section.prefix(2)) has no findings")
        }
        var checked = 0
        for (name, run) in runs {
            let outcome = try #require(run["outcome"] as? [String: Any])
            let folder = URL(fileURLWithPath: try #require(outcome["path"] as? String)).lastPathComponent
            let testAccuracy = String(format: "%.4f", try #require(outcome["testAccuracy"] as? Double))
            let rows = markdown.components(separatedBy: "\n").filter { $0.hasPrefix("| \(run["label"] as? String ?? "?") |") && $0.contains("/\(folder)/summary.md") }
            #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("| \(testAccuracy) |") }, "\(name): \(rows)")
            checked += 1
        }
        #expect(checked >= 25)

        // Each named run was trained with what its name says (a swap in Study.run would show here).
        let chosenRate = try #require((results["choices"] as? [String: Double])?["learningRate"])
        let expectedNumbers: [String: [String: Double]] = [
            "learningRate.small": ["learningRate": 0.001], "learningRate.large": ["learningRate": 0.2],
            "batchSize.batch32": ["batchSize": 32, "learningRate": chosenRate], "batchSize.batch128": ["batchSize": 128, "learningRate": chosenRate],
            "batchSize.batch128HighRate": ["batchSize": 128, "learningRate": 0.1], "batchSize.batch128LowRate": ["batchSize": 128, "learningRate": 0.01],
            "batchSize.baseline": ["batchSize": 64, "learningRate": chosenRate, "momentum": 0],
            "weightDecay.strong": ["weightDecay": 0.1], "weightDecay.weak": ["weightDecay": 0.01], "weightDecay.without": ["weightDecay": 0],
            "epochs.long": ["epochs": 6],
        ]
        let expectedNames: [String: [String: String]] = [
            "activation.tanh": ["activation": "tanh"], "activation.leakyReLU": ["activation": "leaky-relu"], "activation.relu": ["activation": "relu"],
            "zeroInitialization": ["initialization": "zero"], "withNormalization": ["initialization": "torch", "inputScaling": "divide-by-255"],
            "withoutNormalization": ["inputScaling": "raw"],
        ]
        func settings(of name: String) throws -> [String: Any] {
            let run = try #require(runs.first { $0.name == name }?.run, "no run named \(name)")
            let record = try #require((run["outcome"] as? [String: Any])?["record"] as? [String: Any])
            let training = record["training"] as? [String: Any] ?? [:], model = record["model"] as? [String: Any] ?? [:]
            return (training["optimizer"] as? [String: Any] ?? [:]).merging(training) { a, _ in a }.merging(model) { a, _ in a }
        }
        for (name, expected) in expectedNumbers {
            let actual = try settings(of: name)
            for (key, value) in expected {
                #expect((actual[key] as? NSNumber)?.doubleValue == value, "\(name).\(key): \(actual[key] ?? "none"), expected \(value)")
            }
        }
        for (name, expected) in expectedNames {
            let actual = try settings(of: name)
            for (key, value) in expected {
                #expect(actual[key] as? String == value, "\(name).\(key): \(actual[key] ?? "none"), expected \(value)")
            }
        }

        // Part 5's finding counts the non-zero parameters: only the 10 output biases learn.
        let zeroRun = try #require((results["zeroInitialization"] as? [String: Any])?["outcome"] as? [String: Any])
        #expect(zeroRun["nonZeroParameters"] as? Int ?? 99 <= 10)
        let part5 = try #require(sections.first { $0.hasPrefix("5.") })
        #expect(part5.contains("\(zeroRun["nonZeroParameters"] as? Int ?? -1) of \(zeroRun["parameterCount"] as? Int ?? -1) parameters"))

        // Part 6 chose its learning rate on validation: the chosen run has the best validation score.
        let choices = try #require(results["choices"] as? [String: Double])
        let lrRuns = runs.filter { $0.name.hasPrefix("learningRate.") }.compactMap { $0.run["outcome"] as? [String: Any] }
        let bestRun = try #require(lrRuns.max { ($0["bestValidationAccuracy"] as? Double ?? 0) < ($1["bestValidationAccuracy"] as? Double ?? 0) })
        let bestTraining = ((bestRun["record"] as? [String: Any])?["training"] as? [String: Any])?["optimizer"] as? [String: Any]
        #expect(bestTraining?["learningRate"] as? Double == choices["learningRate"])
        let chosen = try #require((results["learningRate"] as? [String: Any])?["best"] as? [String: Any])
        let chosenOptimizer = (((chosen["outcome"] as? [String: Any])?["record"] as? [String: Any])?["training"] as? [String: Any])?["optimizer"] as? [String: Any]
        #expect(chosenOptimizer?["learningRate"] as? Double == choices["learningRate"])
        let part6 = try #require(sections.first { $0.hasPrefix("6.") })
        #expect(part6.contains("Chosen on validation: **\(chosen["label"] as? String ?? "?")**"))

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

extension StudyTests {
    /// Every run in results.json with the name of the field holding it ("learningRate.coarse",
    /// "beyond"), found wherever an object has a label and an outcome.
    static func runs(in value: Any, name: String = "") -> [(name: String, run: [String: Any])] {
        if let object = value as? [String: Any] {
            if object["label"] is String, object["outcome"] is [String: Any] { return [(name, object)] }
            return object.sorted { $0.key < $1.key }.flatMap { runs(in: $0.value, name: name.isEmpty ? $0.key : name + "." + $0.key) }
        }
        if let array = value as? [Any] { return array.flatMap { runs(in: $0, name: name) } }
        return []
    }
}
