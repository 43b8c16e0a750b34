import Foundation
import MLPLab
import Testing

/// `RunCatalog`: finding run folders, telling their states apart, filtering, sorting, JSON and
/// comparing two, on the made-up folders of `RunFolderFixtures`.
@Suite(.serialized)
struct RunCatalogTests {
    /// The names `conditions` keep, sorted.
    func names(_ catalog: RunCatalog, _ conditions: [String]) throws -> [String] {
        try catalog.filtered(by: conditions.map(RunCondition.init(parsing:))).runs.map(\.name).sorted()
    }

    @Test("every state is told apart: finished, stopped, diverged, running, interrupted, damaged; nested folders found, hidden and inner ones not")
    func statusesAndNesting() throws {
        let root = try RunFolderFixtures.make()
        var lock: FolderLock? = try FolderLock(path: root + "/running")
        let catalog = try RunCatalog(folders: [root])
        let statuses = Dictionary(uniqueKeysWithValues: catalog.runs.map { ($0.name, $0.status) })
        #expect(statuses == ["a": .finished, "sweep/lr-0.1": .finished, "stopped": .stopped, "diverged": .diverged,
                             "running": .running, "interrupted": .interrupted, "broken-config": .damaged, "broken-result": .damaged])
        #expect(catalog.runs.map(\.name) == catalog.runs.map(\.name).sorted())
        let byName = Dictionary(uniqueKeysWithValues: catalog.runs.map { ($0.name, $0) })
        #expect(byName["interrupted"]?.epochs.count == 1 && byName["running"]?.epochs.count == 1 && byName["a"]?.epochs.count == 2)
        #expect(byName["sweep/lr-0.1"]?.path == root + "/sweep/lr-0.1")
        #expect(byName["broken-config"]?.problem?.hasPrefix("config.json: ") == true)
        let resultProblem = try #require(byName["broken-result"]?.problem)
        #expect(resultProblem.hasPrefix("result.json: ") && resultProblem.contains("test_accuracy"), "\(resultProblem)")
        // Once the training's lock is gone, the same folder reads as interrupted.
        #expect(lock != nil)
        lock = nil
        #expect(try RunCatalog(folders: [root]).runs.first { $0.name == "running" }?.status == .interrupted)
        // The table lists every run and says why the damaged ones are.
        let text = catalog.text
        #expect(text.contains("64-24-4") && text.contains("damaged: broken-config: config.json: "))
        #expect(text.split(separator: "\n").first?.hasPrefix("name") == true)
    }

    @Test("a run folder given itself is listed; a missing folder is an error naming it")
    func singleRunAndMissingFolder() throws {
        let root = try RunFolderFixtures.make()
        #expect(try RunCatalog(folders: [root + "/a"]).runs.map(\.name) == [root + "/a"])
        #expect(throws: RunQueryError.notAFolder(root + "/nothing")) { try RunCatalog(folders: [root + "/nothing"]) }
    }

    @Test("--where compares with each operator, numbers numerically (0.05 = 0.050), and misses runs without the key")
    func conditions() throws {
        let catalog = try RunCatalog(folders: [try RunFolderFixtures.make()])
        #expect(try names(catalog, ["test_accuracy=0.80"]) == ["a"])
        #expect(try names(catalog, ["test_accuracy!=0.8"]) == ["diverged", "stopped", "sweep/lr-0.1"])
        #expect(try names(catalog, ["test_accuracy<0.8"]) == ["diverged", "stopped"])
        #expect(try names(catalog, ["test_accuracy>0.8"]) == ["sweep/lr-0.1"])
        #expect(try names(catalog, ["test_accuracy<=0.7"]) == ["diverged", "stopped"])
        #expect(try names(catalog, ["test_accuracy>=0.8"]) == ["a", "sweep/lr-0.1"])
        #expect(try names(catalog, ["lr=0.050", "status=finished"]) == ["a"])
        #expect(try names(catalog, ["lr=0.1"]) == ["sweep/lr-0.1"])
        #expect(try names(catalog, ["status=running"]) == [])
        #expect(try names(catalog, ["hidden=24", "epochs_done=1", "status!=stopped", "status!=diverged"]) == ["interrupted", "running"])
        #expect(try names(catalog, ["training.optimizer.nesterov=false", "model.activation = relu", "training.patience>=1"]) == ["stopped"])
    }

    @Test("an unknown key names itself and the valid keys; a malformed condition says how to write one")
    func badConditions() throws {
        let catalog = try RunCatalog(folders: [try RunFolderFixtures.make()])
        #expect {
            try catalog.filtered(by: [RunCondition(parsing: "learning_rat=0.1")])
        } throws: { error in
            guard case let .unknownKey(key, valid)? = error as? RunQueryError else { return false }
            return key == "learning_rat" && valid.contains("lr") && valid.contains("training.optimizer.learning_rate")
                && "\(error)".hasPrefix("unknown key 'learning_rat': use one of ") && !"\(error)".contains("\n")
        }
        #expect(throws: RunQueryError.self) { try catalog.sorted(by: "nope") }
        for text in ["lr", "lr~0.1", "=0.1", "lr=", "lr=>0.1"] {
            #expect(throws: RunQueryError.malformedCondition(text)) { try RunCondition(parsing: text) }
        }
    }

    @Test("< > <= >= need a finite number: a word, nan, inf or two numbers is refused naming the condition; 1e-3, .5, +1 and -2 are numbers")
    func orderingNeedsANumber() throws {
        for text in ["lr>abc", "lr<nan", "lr>=inf", "lr<=-inf", "lr>infinity", "lr<1 2", "lr>1_000", "lr>0.1x", "hidden>588,392"] {
            #expect(throws: RunQueryError.self, "\(text)") { try RunCondition(parsing: text) }
            do { _ = try RunCondition(parsing: text) } catch {
                #expect(error as? RunQueryError != .malformedCondition(text), "\(text)")
                #expect("\(error)".hasPrefix("cannot read the condition '\(text)': ") && "\(error)".contains("number"), "\(error)")
            }
        }
        for text in ["lr<", "lr>=", "lr<=  "] {
            #expect(throws: RunQueryError.malformedCondition(text)) { try RunCondition(parsing: text) }
        }
        let catalog = try RunCatalog(folders: [try RunFolderFixtures.make()])
        #expect(try names(catalog, ["lr>1e-3", "lr<.06", "status=finished"]) == ["a"])
        #expect(try names(catalog, ["test_accuracy >= +0.9"]) == ["sweep/lr-0.1"])
        #expect(try names(catalog, ["test_accuracy>-2", "test_accuracy<0.75"]) == ["diverged", "stopped"])
        // Equality still compares text: a word is a value there.
        #expect(try names(catalog, ["activation=relu", "lr=0.1"]) == ["sweep/lr-0.1"])
        // A value that is no number (text) matches no ordering, rather than ordering as text.
        #expect(try names(catalog, ["activation>0"]) == [])
    }

    @Test("--sort orders numbers numerically, runs without the key last, ties by name; --reverse flips the rest")
    func sorting() throws {
        let catalog = try RunCatalog(folders: [try RunFolderFixtures.make()])
        let unfinished = ["broken-config", "broken-result", "interrupted", "running"]
        #expect(try catalog.sorted(by: "test_accuracy").runs.map(\.name) == ["diverged", "stopped", "a", "sweep/lr-0.1"] + unfinished)
        #expect(try catalog.sorted(by: "test_accuracy", reverse: true).runs.map(\.name) == ["sweep/lr-0.1", "a", "stopped", "diverged"] + unfinished)
        // 0.1 after 0.05 (numbers), not before it (text); 1e30 last of the numbers.
        let byRate = try catalog.sorted(by: "lr").runs.map(\.name)
        #expect(byRate.suffix(3) == ["sweep/lr-0.1", "diverged", "broken-config"], "\(byRate)")
    }

    @Test("a run's JSON is result.json's object with name, path and status; an unfinished run's holds its record and epochs")
    func json() throws {
        let root = try RunFolderFixtures.make()
        let runs = Dictionary(uniqueKeysWithValues: try RunCatalog(folders: [root]).runs.map { ($0.name, $0) })
        let finished = try #require(runs["a"])
        let line = finished.json.line
        #expect(!line.contains("\n"))
        let decoded = try JSONCoding.decode(RunResult.self, from: Data(line.utf8))
        #expect(decoded.testAccuracy == 0.8 && decoded.record == finished.record && decoded.epochs == finished.epochs)
        guard case var .object(object) = try JSONValue.read(Data(line.utf8)), case let .object(stored)? = finished.storedResult else {
            Issue.record("not an object")
            return
        }
        #expect(object.removeValue(forKey: "name") == .text("a") && object.removeValue(forKey: "status") == .text("finished"))
        #expect(object.removeValue(forKey: "path") == .text(root + "/a"))
        #expect(object == stored)
        let interrupted = try JSONValue.read(Data(try #require(runs["interrupted"]).json.line.utf8))
        #expect(interrupted["status"] == .text("interrupted"))
        #expect(try JSONCoding.decode(RunRecord.self, from: JSONCoding.encode(try #require(interrupted["record"]))) == runs["a"]?.record)
        #expect(try JSONCoding.decode([EpochMetrics].self, from: JSONCoding.encode(try #require(interrupted["epochs"]))).count == 1)
        #expect(try JSONValue.read(Data(try #require(runs["broken-config"]).json.line.utf8))["problem"] != nil)
    }

    @Test("diff names the differing setting with both values, keeps recorded-only keys apart, and shows both results")
    func comparison() throws {
        let root = try RunFolderFixtures.make()
        let comparison = try RunComparison(root + "/a", root + "/sweep/lr-0.1")
        #expect(comparison.differences.map(\.key) == ["training.optimizer.learning_rate"])
        #expect(comparison.differences.first?.first == .number(0.05) && comparison.differences.first?.second == .number(0.1))
        #expect(comparison.recordedDifferences.allSatisfy { RunComparison.isRecorded($0.key) })
        let text = comparison.text
        #expect(text.contains("training.optimizer.learning_rate") && text.contains("0.8000") && text.contains("0.9000"), "\(text)")
        #expect(text.contains("test accuracy"))
        #expect(throws: RunQueryError.notARunFolder(root + "/sweep")) { try RunComparison(root + "/a", root + "/sweep") }
    }

    @Test("diff keeps a different compute plan (measured per machine, recorded not compared) apart from the settings")
    func comparisonKeepsComputePlanApart() throws {
        let root = try TestSupport.temporaryDirectory().path
        var first = RunFolderFixtures.trained.finished
        let layers = first.record.model.layerSizes.count - 1
        first.record.compute = .uniform(.inOut, layers: layers)
        var second = first
        second.record.compute = ComputePlan(weightOrientations: Array(repeating: .outIn, count: layers),
                                            fusedUpdates: Array(repeating: true, count: layers))
        try RunFolderFixtures.writeFinished(first, in: root + "/a")
        try RunFolderFixtures.writeFinished(second, in: root + "/b")
        let comparison = try RunComparison(root + "/a", root + "/b")
        #expect(comparison.differences.isEmpty, "\(comparison.differences.map(\.key))")
        #expect(comparison.recordedDifferences.map(\.key) == ["compute.fused_updates", "compute.weight_orientations"])
        #expect(comparison.text.contains("The runs' settings are the same."), "\(comparison.text)")
        #expect(RunComparison.isRecorded("compute") && RunComparison.isRecorded("processes") && !RunComparison.isRecorded("computer"))
        #expect(!RunComparison.isRecorded("training.threads"))
    }

    @Test("a result.json or metrics.jsonl that exists but cannot be read (a folder, a pipe, a dangling link) makes the run damaged, never unfinished")
    func unreadableFilesAreDamage() throws {
        let root = try RunFolderFixtures.make()
        let record = try #require(try RunCatalog(folders: [root + "/a"]).runs.first?.record)
        let cases: [(name: String, file: RunFolder.File, make: (String) throws -> Void, reason: String)] = [
            ("result-folder", .result, { try FileManager.default.createDirectory(atPath: $0, withIntermediateDirectories: false) }, "it is a folder"),
            ("result-pipe", .result, { path in #expect(mkfifo(path, 0o644) == 0) }, "not a regular file"),
            ("result-link", .result, { try FileManager.default.createSymbolicLink(atPath: $0, withDestinationPath: root + "/nowhere") }, "dangling"),
            ("metrics-folder", .metrics, { try FileManager.default.createDirectory(atPath: $0, withIntermediateDirectories: false) }, "it is a folder"),
            ("metrics-pipe", .metrics, { path in #expect(mkfifo(path, 0o644) == 0) }, "not a regular file"),
            ("config-folder", .config, { try FileManager.default.createDirectory(atPath: $0, withIntermediateDirectories: false) }, "it is a folder"),
        ]
        for item in cases {
            let folder = root + "/bad/" + item.name
            if item.file == .config {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } else {
                try RunFolderFixtures.write(record, .config, in: folder)
            }
            try item.make(folder + "/" + item.file.rawValue)
        }
        let runs = Dictionary(uniqueKeysWithValues: try RunCatalog(folders: [root + "/bad"]).runs.map { ($0.name, $0) })
        for item in cases {
            let run = try #require(runs[item.name], "\(item.name) not listed")
            #expect(run.status == .damaged, "\(item.name): \(run.status)")
            let problem = run.problem ?? ""
            #expect(problem.hasPrefix(item.file.rawValue + ": it cannot be read") && problem.contains(item.reason), "\(item.name): \(problem)")
        }
    }

    @Test("a damaged run's note below the table and below a diff shows its name in one line, escapes and newlines visible")
    func damagedNoteEscapesName() throws {
        let root = try TestSupport.temporaryDirectory().path
        let name = "bad\u{1B}[31mred\nline"
        try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
        try Data("{".utf8).write(to: URL(fileURLWithPath: root + "/" + name + "/config.json"))
        let list = try RunCatalog(folders: [root]).text
        let comparison = try RunComparison(root + "/" + name, root + "/" + name).text
        for text in [list, comparison] {
            #expect(!text.contains("\u{1B}"), "\(text)")
            let note = try #require(text.split(separator: "\n").first { $0.hasPrefix("damaged: ") }, "\(text)")
            #expect(note.contains("bad\\x1b[31mred\\nline") && note.hasSuffix("config.json: not valid JSON"), "\(note)")
        }
    }

    @Test("a key that names an object or the whole file (training, model, \"\", \".\") is an unknown key for --where and --sort, not compared as JSON text")
    func objectKeysAreUnknown() throws {
        let catalog = try RunCatalog(folders: [try RunFolderFixtures.make()])
        for key in ["training", "model", "training.optimizer", "", ".", "split_sizes"] {
            #expect(throws: RunQueryError.self, "--sort '\(key)'") { try catalog.sorted(by: key) }
            var condition = try RunCondition(parsing: "x=1")
            condition.key = key
            #expect(throws: RunQueryError.self, "--where '\(key)=1'") { try catalog.filtered(by: [condition]) }
        }
        #expect(try names(catalog, ["training.optimizer.momentum=0.9", "split_sizes.train>0", "status=finished"]) == ["a", "sweep/lr-0.1"])
    }
}
