import Foundation
import MLPLab
import Testing

/// `mlplab runs` and `mlplab runs diff` through the built tool, on `RunFolderFixtures`' folders.
@Suite(.serialized)
struct RunsCommandTests {
    /// The stdout lines of the table that start with a run's name, keyed by the name.
    func rows(_ stdout: String) -> [String: String] {
        var rows: [String: String] = [:]
        for line in stdout.split(separator: "\n") {
            guard let name = line.split(separator: " ").first, !line.hasPrefix("damaged:") else { continue }
            rows[String(name)] = String(line)
        }
        return rows
    }

    @Test("the table lists every run with its status, a held lock as running, a damaged config with its reason")
    func listsEveryState() throws {
        let root = try RunFolderFixtures.make()
        let lock = try FolderLock(path: root + "/running")
        let result = try Tool.run(["runs", root])
        withExtendedLifetime(lock) {}
        #expect(result.status == 0, "\(result.stderr)")
        let rows = rows(result.stdout)
        let expected = ["a": "finished", "sweep/lr-0.1": "finished", "stopped": "stopped", "diverged": "diverged",
                        "running": "running", "interrupted": "interrupted", "broken-config": "damaged", "broken-result": "damaged"]
        #expect(Set(rows.keys) == Set(expected.keys).union(["name"]), "\(result.stdout)")
        for (name, status) in expected { #expect(rows[name]?.contains(" \(status) ") == true, "\(name): \(rows[name] ?? "missing")") }
        #expect(rows["a"]?.contains("quadrants") == true && rows["a"]?.contains("64-24-4") == true && rows["a"]?.contains(" 2/2 ") == true)
        #expect(rows["interrupted"]?.contains(" 1/2 ") == true)
        #expect(result.stdout.contains("damaged: broken-config: config.json: "))
    }

    @Test("--where and --sort select and order runs; numbers compare numerically")
    func whereAndSort() throws {
        let root = try RunFolderFixtures.make()
        let result = try Tool.run(["runs", root, "--where", "lr=0.050", "--where", "test_accuracy>=0.7", "--sort", "test_accuracy", "--reverse"])
        #expect(result.status == 0, "\(result.stderr)")
        let names = result.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: " ")[0]) }
        #expect(names == ["a", "stopped"], "\(result.stdout)")
    }

    @Test("an unknown key, a malformed condition and a missing folder are one error line each, exit non-zero")
    func errors() throws {
        let root = try RunFolderFixtures.make()
        for (arguments, message) in [(["runs", root, "--where", "bogus=1"], "unknown key 'bogus': use one of "),
                                     (["runs", root, "--sort", "bogus"], "unknown key 'bogus'"),
                                     (["runs", root, "--where", "lr~1"], "cannot read the condition 'lr~1'"),
                                     (["runs", root + "/nothing"], "no folder '\(root)/nothing'"),
                                     (["runs", "diff", root + "/a", root + "/sweep"], "is not a run folder")] {
            let result = try Tool.run(arguments)
            #expect(result.status != 0 && result.stdout.isEmpty, "\(arguments)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try Tool.run(["runs", root, "--where", "bogus=1"]).stderr.contains("lr, "))
    }

    @Test("a condition the tool cannot use (no value, a word or nan after < > <= >=, an unknown key) is a usage error: exit 64, one line, nothing listed")
    func badConditionsAreUsageErrors() throws {
        let root = try RunFolderFixtures.make()
        for condition in ["lr>abc", "lr<nan", "lr>=inf", "lr<= ", "lr>1 2", "lr=", "lr~1", "bogus=1"] {
            let result = try Tool.run(["runs", root, "--where", condition])
            #expect(result.status == 64 && result.stdout.isEmpty, "\(condition): \(result.status) \(result.stdout)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.contains("'\(condition.split(separator: "=").first ?? "")") == true, "\(condition): \(result.stderr)")
        }
        let sorted = try Tool.run(["runs", root, "--sort", "bogus"])
        #expect(sorted.status == 64 && sorted.stderr.split(separator: "\n").count == 1, "\(sorted.stderr)")
        let numeric = try Tool.run(["runs", root, "--where", "lr > 1e-3", "--where", "lr<.06"])
        #expect(numeric.status == 0 && rows(numeric.stdout).keys.contains("a") && !rows(numeric.stdout).keys.contains("sweep/lr-0.1"), "\(numeric.stdout)")
    }

    @Test("--json prints one object a line: result.json's shape for finished runs, the record and epochs for others")
    func json() throws {
        let root = try RunFolderFixtures.make()
        let result = try Tool.run(["runs", root, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { Data($0.utf8) }
        #expect(lines.count == 8)
        var statuses: [String: String] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            let name = try #require(object["name"] as? String), status = try #require(object["status"] as? String)
            statuses[name] = status
            if ["finished", "stopped", "diverged"].contains(status) {
                let stored = try JSONCoding.decode(RunResult.self, from: line)
                #expect(stored.record.data.source == "quadrants" && object["test_confusion"] != nil)
            }
        }
        #expect(statuses["a"] == "finished" && statuses["interrupted"] == "interrupted" && statuses["broken-config"] == "damaged")
        let a = try JSONCoding.decode(RunResult.self, from: try #require(lines.first { String(decoding: $0, as: UTF8.self).contains("\"name\":\"a\"") }))
        #expect(a.testAccuracy == 0.8 && a.epochs.count == 2)
    }

    @Test("runs diff shows the differing setting with both values and both runs' metrics")
    func diff() throws {
        let root = try RunFolderFixtures.make()
        let result = try Tool.run(["runs", "diff", root + "/a", root + "/sweep/lr-0.1"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("training.optimizer.learning_rate") })
        #expect(line.split(separator: " ").map(String.init) == ["training.optimizer.learning_rate", "0.05", "0.1"])
        let test = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("test accuracy") })
        #expect(test.split(separator: " ").suffix(2).map(String.init) == ["0.8000", "0.9000"])
        #expect(!result.stdout.contains("\ncreated "))
        let help = try Tool.run(["runs", "--help"])
        #expect(help.status == 0 && help.stdout.contains("diff") && help.stdout.contains("list"))
    }

    @Test("runs diff with a damaged run: a config.json that is not JSON is one line and exit 1; other damage is compared, named, and exits 1")
    func diffWithDamagedRuns() throws {
        let root = try RunFolderFixtures.make()
        let unreadable = try Tool.run(["runs", "diff", root + "/a", root + "/broken-config"])
        #expect(unreadable.status == 1 && unreadable.stdout.isEmpty, "\(unreadable.stdout)")
        let lines = unreadable.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(root + "/broken-config") && lines[0].contains("nothing to compare"), "\(unreadable.stderr)")
        let partial = try Tool.run(["runs", "diff", root + "/a", root + "/broken-result"])
        #expect(partial.status == 1, "\(partial.stderr)")
        #expect(partial.stdout.contains("damaged"), "the damage is named with the comparison: \(partial.stdout)")
    }

    @Test("a subfolder that cannot be read is named below the table (and on stderr with --json), never skipped in silence")
    func unreadableSubfolderIsNamed() throws {
        let root = try RunFolderFixtures.make()
        try FileManager.default.createDirectory(atPath: root + "/secret/run", withIntermediateDirectories: true)
        #expect(chmod(root + "/secret", 0o000) == 0)
        defer { chmod(root + "/secret", 0o755) }
        // Root reads any folder: the walk's own check stands in (run the listing as root and nothing is unreadable).
        guard opendir(root + "/secret").map({ closedir($0); return false }) ?? true else { return }
        let table = try Tool.run(["runs", root])
        #expect(table.status == 0)
        #expect(table.stdout.contains("cannot read: secret: Permission denied. Runs in it are not listed"), "\(table.stdout)")
        let json = try Tool.run(["runs", root, "--json"])
        #expect(json.stderr.contains("cannot read: secret: "), "\(json.stderr)")
        #expect(json.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{") })
    }
}
