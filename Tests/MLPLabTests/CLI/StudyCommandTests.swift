import Foundation
import MLPLab
import Testing

/// `mlplab study --quick` on a small subset, through the built tool: the report's structure,
/// its numbers against the run folders, and reuse on a second run.
@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable))
struct StudyCommandTests {
    @Test("a quick study writes all 12 parts with numbers that match its runs, and reuses them")
    func quickStudyReport() throws {
        let output = try TestSupport.temporaryDirectory().path + "/report"
        let arguments = ["study", "--quick", "--subset", "600", "--hidden", "48", "-o", output]
        let first = try Tool.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("35 runs trained, 0 reused"), "\(first.stdout)")
        for file in ["index.html", "report.md", "results.json"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "missing \(file)")
        }

        // results.json: every part's runs under their names, each run's numbers equal to its own
        // folder's result.json; no prose and no SVG (the report writes those).
        let json = try String(contentsOfFile: output + "/results.json", encoding: .utf8)
        #expect(!json.contains("<svg") && !json.contains("findings"))
        let results = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let runs = StudyCommandTests.runs(in: results)
        #expect(Set(runs.map(\.name)).isSuperset(of: ["without_normalization", "with_normalization", "zero_initialization", "learning_rate.coarse",
                                                      "learning_rate.small", "learning_rate.large", "learning_rate.best", "batch_size.batch32",
                                                      "batch_size.batch128_high_rate", "batch_size.batch128_low_rate", "momentum.runs", "epochs.long",
                                                      "activation.tanh", "activation.leaky_relu", "weight_decay.strong", "weight_decay.weak", "beyond.additions", "beyond.runs"]))
        for (name, run) in runs {
            let outcome = try #require(run["result"] as? [String: Any])
            let folder = try #require(outcome["run_folder"] as? String)
            let own = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/result.json"))) as? [String: Any])
            #expect(own["test_accuracy"] as? Double == outcome["test_accuracy"] as? Double, "\(name)")
        }
        #expect(Set(runs.compactMap { ($0.run["result"] as? [String: Any])?["run_folder"] as? String }).count == 35)

        // report.md: 12 parts, each with findings, and each run's row gives that run's test accuracy.
        let markdown = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        let sections = markdown.components(separatedBy: "\n## Part ").dropFirst()
        #expect(sections.map { Int($0.prefix { $0.isNumber }) } == Array(1...12))
        for section in sections {
            #expect(section.components(separatedBy: "\n").contains { $0.hasPrefix("- ") }, "part \(section.prefix(2)) has no findings")
        }
        var checked = 0
        for (name, run) in runs {
            let outcome = try #require(run["result"] as? [String: Any])
            let folder = URL(fileURLWithPath: try #require(outcome["run_folder"] as? String)).lastPathComponent
            let testAccuracy = String(format: "%.4f", try #require(outcome["test_accuracy"] as? Double))
            let rows = markdown.components(separatedBy: "\n").filter { $0.hasPrefix("| \(run["label"] as? String ?? "?") |") && $0.contains("/\(folder)/summary.md") }
            #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("| \(testAccuracy) |") }, "\(name): \(rows)")
            checked += 1
        }
        #expect(checked >= 25)

        // Each named run was trained with what its name says (a swap in Study.run would show here).
        let chosenRate = try #require((results["choices"] as? [String: Double])?["learning_rate"])
        let expectedNumbers: [String: [String: Double]] = [
            "learning_rate.small": ["learning_rate": 0.001], "learning_rate.large": ["learning_rate": 0.2],
            "batch_size.batch32": ["batch_size": 32, "learning_rate": chosenRate], "batch_size.batch128": ["batch_size": 128, "learning_rate": chosenRate],
            "batch_size.batch128_high_rate": ["batch_size": 128, "learning_rate": 0.1], "batch_size.batch128_low_rate": ["batch_size": 128, "learning_rate": 0.01],
            "batch_size.baseline": ["batch_size": 64, "learning_rate": chosenRate, "momentum": 0],
            "weight_decay.strong": ["weight_decay": 0.1], "weight_decay.weak": ["weight_decay": 0.01], "weight_decay.without": ["weight_decay": 0],
            "epochs.long": ["epochs": 6],
        ]
        let expectedNames: [String: [String: String]] = [
            "activation.tanh": ["activation": "tanh"], "activation.leaky_relu": ["activation": "leaky-relu"], "activation.relu": ["activation": "relu"],
            "zero_initialization": ["initialization": "zero"], "with_normalization": ["initialization": "torch", "input_scaling": "divide-by-255"],
            "without_normalization": ["input_scaling": "raw"],
        ]
        func settings(of name: String) throws -> [String: Any] {
            let run = try #require(runs.first { $0.name == name }?.run, "no run named \(name)")
            let record = try #require((run["result"] as? [String: Any])?["record"] as? [String: Any])
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
        let zeroRun = try #require((results["zero_initialization"] as? [String: Any])?["result"] as? [String: Any])
        #expect(zeroRun["non_zero_parameters"] as? Int ?? 99 <= 10)
        let part5 = try #require(sections.first { $0.hasPrefix("5.") })
        #expect(part5.contains("\(zeroRun["non_zero_parameters"] as? Int ?? -1) of \(zeroRun["parameter_count"] as? Int ?? -1) parameters"))

        // Part 6 chose its learning rate on validation: the chosen run has the best validation score.
        let choices = try #require(results["choices"] as? [String: Double])
        let lrRuns = runs.filter { $0.name.hasPrefix("learning_rate.") }.compactMap { $0.run["result"] as? [String: Any] }
        let bestRun = try #require(lrRuns.max { ($0["best_validation_accuracy"] as? Double ?? 0) < ($1["best_validation_accuracy"] as? Double ?? 0) })
        let bestTraining = ((bestRun["record"] as? [String: Any])?["training"] as? [String: Any])?["optimizer"] as? [String: Any]
        #expect(bestTraining?["learning_rate"] as? Double == choices["learning_rate"])
        let chosen = try #require((results["learning_rate"] as? [String: Any])?["best"] as? [String: Any])
        let chosenOptimizer = (((chosen["result"] as? [String: Any])?["record"] as? [String: Any])?["training"] as? [String: Any])?["optimizer"] as? [String: Any]
        #expect(chosenOptimizer?["learning_rate"] as? Double == choices["learning_rate"])
        let part6 = try #require(sections.first { $0.hasPrefix("6.") })
        #expect(part6.contains("Chosen on validation: **\(chosen["label"] as? String ?? "?")**"))

        // Part 12: each addition changes one thing of the best configuration so far; the long runs
        // are SGD and AdamW with flip and dropout; the choice is the best on validation of the long
        // runs and their vote, whose members forward selection added while they raised it.
        let beyond = try #require(results["beyond"] as? [String: Any])
        func trainings(_ key: String) throws -> [[String: Any]] {
            try #require(beyond[key] as? [[String: Any]]).map { (($0["result"] as? [String: Any])?["record"] as? [String: Any])?["training"] as? [String: Any] ?? [:] }
        }
        let baseline = try settings(of: "beyond.without")
        for (index, training) in try trainings("additions").enumerated() {
            #expect(((training["augment"] as? [String: Any])?["flip"] as? Bool ?? false) == [true, false, false, true][index])
            #expect((training["dropout"] as? [Double] ?? []) == [[], [0.2], [], [0.2]][index])
            let optimizer = training["optimizer"] as? [String: Any] ?? [:]
            #expect(optimizer["algorithm"] as? String ?? "sgd" == ["sgd", "sgd", "adamw", "adamw"][index])
            #expect(optimizer["learning_rate"] as? Double == (index < 2 ? baseline["learning_rate"] as? Double : 0.001))
            #expect(training["epochs"] as? Int == baseline["epochs"] as? Int)
        }
        let longTrainings = try trainings("runs")
        #expect(longTrainings.map { ($0["optimizer"] as? [String: Any])?["algorithm"] as? String ?? "sgd" } == ["sgd", "adamw"])
        #expect(longTrainings.map { $0["schedule"] as? String } == ["cosine", "cosine"])
        let beyondRuns = try #require(beyond["runs"] as? [[String: Any]])
        let scores = beyondRuns.map { (label: $0["label"] as? String ?? "?", validation: ($0["result"] as? [String: Any])?["best_validation_accuracy"] as? Double ?? 0) }
        let selection = try #require(beyond["selection"] as? [Double])
        #expect(selection.first == scores.map(\.validation).max() && zip(selection, selection.dropFirst()).allSatisfy { $0 < $1 }, "\(selection)")
        let vote = beyond["vote"] as? [String: Any]
        #expect((vote?["members"] as? [String])?.count ?? 1 == selection.count)
        let chosenBeyond = try #require(beyond["chosen"] as? String)
        let voteScore = vote?["validation_accuracy"] as? Double ?? 0
        let bestScore = max(scores.map(\.validation).max()!, voteScore)
        #expect((chosenBeyond == "soft vote" ? voteScore : scores.first { $0.label == chosenBeyond }?.validation) == bestScore,
                "chosen \(chosenBeyond) of \(scores), vote \(voteScore)")
        let part12 = try #require(sections.first { $0.hasPrefix("12.") })
        #expect(part12.contains("Added one at a time to the best configuration so far"))

        // The HTML is self-contained: 12 part sections, inline SVG, no script, no external resource.
        let html = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        #expect((1...12).allSatisfy { html.contains("id=\"part\($0)\"") })
        #expect(html.components(separatedBy: "<svg ").count > 20)
        #expect(!html.contains("<script") && !html.contains("http://cdn") && !html.contains("src=\"http"))

        // Running it again reuses every run.
        let second = try Tool.run(arguments)
        #expect(second.status == 0)
        #expect(second.stdout.contains("0 runs trained, 35 reused"), "\(second.stdout)")

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

    @Test("a study on a folder another process holds shares it: it waits for the holder before writing the report, stops on Ctrl-C while waiting, and writes the report once the holder lets go")
    func studyBesideAHolderWaitsToWriteTheReport() throws {
        let output = try TestSupport.temporaryDirectory().path + "/report"
        let holder = UncheckedBox<FolderLock>()
        holder.value = try FolderLock(path: output)
        let arguments = ["study", "--quick", "--subset", "300", "--hidden", "16", "--threads", "1", "-o", output]
        let waiting = "waiting for process \(getpid()), which holds \(output), before writing the report"
        let first = try RunningTool(arguments)
        #expect(first.waitForStderr(containing: waiting), "\(first.stderr)")
        #expect(first.stderr.contains("\(output) is in use by process \(getpid()): sharing its runs"), "\(first.stderr)")
        let clock = ContinuousClock(), start = clock.now
        first.interrupt()
        let stopped = first.finish()
        // Loose: the suite shares two cores with MPI and Slurm jobs. A wait that ignored Ctrl-C
        // would last until the holder lets go, which this test does only later.
        #expect(clock.now - start < .seconds(10))
        #expect(stopped.status == 130 && stopped.stderr.contains("stopped at a safe point"), "\(stopped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output + "/index.html"))

        // Again: the runs the first process trained count as trained by the study that the
        // holder's folder has held since (none by this process); the report once the holder lets go.
        let second = try RunningTool(arguments)
        #expect(second.waitForStderr(containing: waiting), "\(second.stderr)")
        holder.value = nil
        let done = second.finish()
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.contains("wrote \(output)/index.html") && done.stdout.contains("35 runs trained (0 by this process), 0 reused"), "\(done.stdout)")
    }
}

extension StudyCommandTests {
    /// Every run in results.json with the name of the field holding it ("learning_rate.coarse",
    /// "beyond"), found wherever an object has a label and an outcome.
    static func runs(in value: Any, name: String = "") -> [(name: String, run: [String: Any])] {
        if let object = value as? [String: Any] {
            if object["label"] is String, object["result"] is [String: Any] { return [(name, object)] }
            return object.sorted { $0.key < $1.key }.flatMap { runs(in: $0.value, name: name.isEmpty ? $0.key : name + "." + $0.key) }
        }
        if let array = value as? [Any] { return array.flatMap { runs(in: $0, name: name) } }
        return []
    }
}
