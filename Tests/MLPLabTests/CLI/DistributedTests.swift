import Foundation
import MLPLab
import Testing

/// Studies and sweeps spread over two MPI ranks (`mpirun -np 2`, one thread each) against one
/// process: the same numbers, and a killed rank leaves everything resumable.
@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable && MPIRun.path != nil))
struct DistributedTests {
    static let mpirun = MPIRun.path

    /// `arguments` run by the tool under `mpirun -np ranks`. Under AddressSanitizer (make
    /// test-asan) Open MPI keeps its plug-ins loaded and the leak checker unwinds fully, so that
    /// the runtime's own allocations at exit are attributed to its libraries, which
    /// scripts/lsan.supp names; without it they come from "<unknown module>".
    static func spread(_ ranks: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> Tool.Result {
        let binary = try #require(Tool.binary)
        let asan = [ProcessInfo.processInfo.environment["ASAN_OPTIONS"], "fast_unwind_on_malloc=0"].compactMap { $0 }.joined(separator: ":")
        let forMPI = ["OMPI_MCA_mca_base_component_disable_dlclose": "1", "ASAN_OPTIONS": asan]
        return try Tool.run(["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), binary] + arguments,
                            environment: forMPI.merging(environment) { $1 }, executable: mpirun)
    }

    /// A run's numbers without what differs between any two runs (times, dates, folders).
    static func numbers(_ value: Any) -> Any {
        let skipped: Set<String> = ["seconds", "training_seconds", "samples_per_second", "machine", "engine", "run_folder",
                                    "reused", "runs_trained", "runs_reused", "command", "created"]
        if let map = value as? [String: Any] {
            return map.filter { !skipped.contains($0.key) }.mapValues(numbers)
        }
        if let list = value as? [Any] { return list.map(numbers) }
        return value
    }

    static func json(_ path: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func same(_ a: Any, _ b: Any) -> Bool {
        NSDictionary(dictionary: ["v": numbers(a)]).isEqual(to: ["v": numbers(b)])
    }

    static let sweep = ["sweep", "fashion-mnist", "--subset", "1500", "--hidden", "32", "--lr", "0.01,0.05,0.1,0.2", "--epochs", "3",
                        "--threads", "1"]

    /// Every run's result.json in a sweep or study folder, by run folder name.
    static func results(_ folder: String) throws -> [String: Any] {
        var results: [String: Any] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder + "/runs") {
            results[name] = try json("\(folder)/runs/\(name)/result.json")
        }
        return results
    }

    @Test("a sweep over 2 ranks trains every run once and writes what one process writes")
    func sweepOverTwoRanksEqualsOneProcess() throws {
        let root = try TestSupport.temporaryDirectory().path
        let alone = try Tool.run(Self.sweep + ["-o", root + "/alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let spread = try Self.spread(2, Self.sweep + ["-o", root + "/spread"])
        #expect(spread.status == 0, "\(spread.stderr)")
        #expect(spread.stdout.contains("(4 trained, 0 reused)"), "\(spread.stdout)")
        #expect(spread.stderr.contains("rank 1: ["), "rank 1 trained nothing: \(spread.stderr)")
        let a = try Self.results(root + "/alone"), b = try Self.results(root + "/spread")
        #expect(a.count == 4 && Set(a.keys) == Set(b.keys))
        for (name, result) in a { #expect(Self.same(result, b[name] as Any), "\(name) differs") }
        // Again: every run is reused, on either rank.
        let again = try Self.spread(2, Self.sweep + ["-o", root + "/spread"])
        #expect(again.status == 0 && again.stdout.contains("(0 trained, 4 reused)"), "\(again.stdout) \(again.stderr)")
    }

    @Test("a 2-rank study --quick writes the same results.json numbers as one process")
    func studyOverTwoRanksEqualsOneProcess() throws {
        let root = try TestSupport.temporaryDirectory().path
        let arguments = ["study", "--quick", "--hidden", "32,16", "--threads", "1"]
        let alone = try Tool.run(arguments + ["-o", root + "/alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let spread = try Self.spread(2, arguments + ["-o", root + "/spread"])
        #expect(spread.status == 0, "\(spread.stderr)")
        let a = try Self.json(root + "/alone/results.json"), b = try Self.json(root + "/spread/results.json")
        #expect(Self.same(a, b), "results.json differs between one process and two ranks")
        #expect((b as? [String: Any])?["runs_trained"] as? Int == (a as? [String: Any])?["runs_trained"] as? Int)
        #expect(FileManager.default.fileExists(atPath: root + "/spread/index.html"))
    }

    @Test("kill -9 of one rank mid-run: the job ends, and running it again gives the uninterrupted results")
    func killedRankLeavesTheSweepResumable() throws {
        let root = try TestSupport.temporaryDirectory().path
        let killed = try Self.spread(2, Self.sweep + ["-o", root + "/cut"], environment: ["MLPLAB_FAULT_KILL_AT": "2:5", "MLPLAB_FAULT_RANK": "1"])
        #expect(killed.status != 0, "the job should fail when a rank is killed")
        #expect(!FileManager.default.fileExists(atPath: root + "/cut/sweep.md"))
        let again = try Self.spread(2, Self.sweep + ["-o", root + "/cut"])
        #expect(again.status == 0, "\(again.stderr)")
        let whole = try Tool.run(Self.sweep + ["-o", root + "/whole"])
        #expect(whole.status == 0)
        let a = try Self.results(root + "/whole"), b = try Self.results(root + "/cut")
        for (name, result) in a { #expect(Self.same(result, b[name] as Any), "\(name) differs after the kill and resume") }
    }

    @Test("commands that do not spread refuse to run under mpirun, once, with exit 64")
    func otherCommandsRefuse() throws {
        let result = try Self.spread(2, ["train", "fashion-mnist", "--epochs", "1"])
        #expect(result.status != 0)
        #expect(result.stderr.components(separatedBy: "runs in one process").count == 2, "\(result.stderr)")
    }
}

/// Open MPI's launcher (scripts/setup installs openmpi-bin).
enum MPIRun {
    static let path = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
}
