import Foundation
import MLPLab
import Testing

/// Several `mlplab study` or `mlplab sweep` processes started on one output folder without MPI
/// (a job array, two terminals): each run is trained by one of them, each waits for the others'
/// runs, a run whose process was killed is taken over, and the report is written once, equal to
/// one process's.
@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable))
struct SharedFolderTests {
    /// 35 runs of 3 epochs (the kill at epoch 2, batch 3 of 9) and 8 epochs (Part 12's long runs).
    static let study = ["study", "--quick", "--subset", "600", "--hidden", "48", "--threads", "1"]
    /// 8 runs of 3 epochs of 22 batches.
    static let sweep = ["sweep", "fashion-mnist", "--subset", "1500", "--hidden", "32", "--lr", "0.01,0.05,0.1,0.2", "--momentum", "0,0.5",
                        "--epochs", "3", "--threads", "1"]

    /// `arguments` run by `count` processes at once, the first with `firstEnvironment` added.
    static func together(_ count: Int, _ arguments: [String], firstEnvironment: [String: String] = [:]) throws -> [Tool.Result] {
        let running = try (0..<count).map { try RunningTool(arguments, environment: $0 == 0 ? firstEnvironment : [:]) }
        return running.map { $0.finish() }
    }

    /// The numbers of the runs a process trained, from its progress lines ("[5/30] zero init"),
    /// in order: not those it read back, waited for or saw trained by another.
    static func trainedRuns(_ stderr: String) -> [Int] {
        stderr.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("["), !line.hasSuffix(")"), !line.contains(": waiting for process"), !line.contains(" let go of it") else {
                return nil
            }
            return Int(line.dropFirst().prefix { $0.isNumber })
        }
    }

    /// The scalars of the one event file in a run folder ("loss/train@12=2.25"), and whether
    /// there was exactly one.
    static func curve(_ folder: String) throws -> (single: Bool, scalars: [String]) {
        let files = TrainingEventLog.eventFiles(in: folder)
        let scalars = try TensorBoardEventFile.events(contentsOf: folder + "/" + (files.first ?? "")).events.flatMap { event in
            event.scalars.map { "\($0.tag)@\(event.step)=\($0.value)" }
        }
        return (files.count == 1, scalars)
    }

    /// A sweep folder's sweep.md without the folder's own path, so that two folders' compare.
    static func sweepTable(_ folder: String) throws -> String {
        try String(contentsOfFile: folder + "/sweep.md", encoding: .utf8).replacingOccurrences(of: folder + "/runs/", with: "")
    }

    /// Checks a shared folder's runs against one process's: the same runs, each result.json's
    /// numbers equal, one event file each with the same curve, metrics.jsonl one line per
    /// epoch trained.
    static func checkRuns(_ shared: String, against alone: String) throws {
        let a = try DistributedTests.results(alone), b = try DistributedTests.results(shared)
        #expect(!a.isEmpty && Set(a.keys) == Set(b.keys), "\(shared): \(b.keys.sorted())")
        for (name, result) in a {
            #expect(DistributedTests.same(result, b[name] as Any), "\(name)'s result.json differs")
            let curveAlone = try curve("\(alone)/runs/\(name)"), curveShared = try curve("\(shared)/runs/\(name)")
            #expect(curveShared.single && !curveAlone.scalars.isEmpty && curveAlone.scalars == curveShared.scalars, "\(name)'s events differ")
            let epochs = try DistributedTests.metrics("\(shared)/runs/\(name)").map { $0["epoch"] as? Int ?? 0 }
            let expected = ((result as? [String: Any])?["epochs"] as? [Any])?.count ?? -1
            #expect(epochs == Array(1...max(expected, 1)), "\(name)'s metrics.jsonl holds epochs \(epochs)")
        }
    }

    /// Checks the processes' output: the killed one (the first, when `killed`) died, the others
    /// succeeded, one wrote the report and the others said another had; and every run was
    /// trained by exactly one process, but the killed one's, which one other process took over.
    static func checkProcesses(_ results: [Tool.Result], runs: Int, killed: Bool, files: String) {
        let survivors = killed ? Array(results.dropFirst()) : results
        if killed { #expect(results[0].status != 0, "the process to kill finished: \(results[0].stderr)") }
        for result in survivors { #expect(result.status == 0, "\(result.stderr)") }
        #expect(survivors.filter { $0.stdout.contains("wrote " + files) }.count == 1, "\(survivors.map(\.stdout))")
        #expect(survivors.filter { $0.stdout.contains("written by another process sharing the folder") }.count == survivors.count - 1)
        var trained = results.flatMap { trainedRuns($0.stderr) }
        if killed, let cut = trainedRuns(results[0].stderr).last {
            #expect(survivors.flatMap { trainedRuns($0.stderr) }.filter { $0 == cut }.count == 1, "run \(cut) was not taken over once")
            trained.remove(at: trained.firstIndex(of: cut)!)
        }
        #expect(trained.sorted() == Array(1...runs), "runs trained by the processes: \(trained.sorted())")
    }

    @Test("3 processes on one study folder train each run once and write one results.json equal to one process's; with one killed mid-run, its run is taken over and finished")
    func studySharedByThreeProcesses() throws {
        let root = try TestSupport.temporaryDirectory().path
        let alone = try Tool.run(Self.study + ["-o", root + "/alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let expected = try #require(DistributedTests.json(root + "/alone/results.json") as? [String: Any])
        for (name, killed) in [("shared", false), ("killed", true)] {
            let output = "\(root)/\(name)"
            let results = try Self.together(3, Self.study + ["-o", output], firstEnvironment: killed ? ["MLPLAB_FAULT_KILL_AT": "2:3"] : [:])
            Self.checkProcesses(results, runs: 35, killed: killed, files: output + "/index.html, report.md, results.json")
            let written = try #require(DistributedTests.json(output + "/results.json") as? [String: Any])
            #expect(DistributedTests.same(expected, written), "\(name): results.json differs from one process's")
            #expect(written["runs_trained"] as? Int == 35 && written["runs_reused"] as? Int == 0, "\(name): \(written["runs_trained"] ?? "")")
            try Self.checkRuns(output, against: root + "/alone")
        }
    }

    @Test("3 processes on one sweep folder train each run once and write the sweep one process writes; with one killed mid-run, its run is taken over")
    func sweepSharedByThreeProcesses() throws {
        let root = try TestSupport.temporaryDirectory().path
        let alone = try Tool.run(Self.sweep + ["-o", root + "/alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        for (name, killed) in [("shared", false), ("killed", true)] {
            let output = "\(root)/\(name)"
            let results = try Self.together(3, Self.sweep + ["-o", output], firstEnvironment: killed ? ["MLPLAB_FAULT_KILL_AT": "2:5"] : [:])
            Self.checkProcesses(results, runs: 8, killed: killed, files: output + "/sweep.md, loss.svg, accuracy.svg")
            #expect(results.dropFirst(killed ? 1 : 0).allSatisfy { $0.stdout.contains("(8 runs trained") }, "\(results.map(\.stdout))")
            #expect(try Self.sweepTable(output) == Self.sweepTable(root + "/alone"))
            try Self.checkRuns(output, against: root + "/alone")
        }
    }
}
