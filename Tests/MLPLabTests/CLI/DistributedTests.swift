import Foundation
import MLPLab
import Testing

/// Studies, sweeps and training spread over two MPI ranks (`mpirun -np 2`, one thread each)
/// against one process: the same numbers (training: to the rounding of a sum in another order),
/// and a killed rank leaves everything resumable.
@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable && MPIRun.path != nil))
struct DistributedTests {
    static let mpirun = MPIRun.path

    /// The environment of a launcher (`mpirun`, `srun`) and the ranks it starts. Under
    /// AddressSanitizer (make test-asan) Open MPI keeps its plug-ins loaded and the leak checker
    /// unwinds fully, so that the runtime's own allocations at exit are attributed to its
    /// libraries, which scripts/lsan.supp names; without it they come from "<unknown module>".
    /// HWLOC_COMPONENTS=-gl: hwloc's GL plugin opens X displays :0-:9 when MPI starts, and hangs
    /// there when anything listens on TCP 6000-6009 (a TensorBoard on 6006).
    static var launcherEnvironment: [String: String] {
        let asan = [ProcessInfo.processInfo.environment["ASAN_OPTIONS"], "fast_unwind_on_malloc=0"].compactMap { $0 }.joined(separator: ":")
        return ["OMPI_MCA_mca_base_component_disable_dlclose": "1", "ASAN_OPTIONS": asan, "HWLOC_COMPONENTS": "-gl"]
    }

    /// `arguments` run by the tool under `mpirun -np ranks`.
    static func spread(_ ranks: Int, _ arguments: [String], environment: [String: String] = [:], tool: String? = nil) throws -> Tool.Result {
        let binary = try tool ?? #require(Tool.binary)
        return try Tool.run(["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), binary] + arguments,
                            environment: launcherEnvironment.merging(environment) { $1 }, executable: mpirun)
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
        #expect(spread.stdout.contains("(4 runs trained, 0 reused)"), "\(spread.stdout)")
        #expect(spread.stderr.contains("rank 1: ["), "rank 1 trained nothing: \(spread.stderr)")
        let a = try Self.results(root + "/alone"), b = try Self.results(root + "/spread")
        #expect(a.count == 4 && Set(a.keys) == Set(b.keys))
        for (name, result) in a { #expect(Self.same(result, b[name] as Any), "\(name) differs") }
        // Each run's TensorBoard curve sits in its own folder, the same whichever rank trained it.
        for name in a.keys {
            func curve(_ folder: String) throws -> [String] {
                let files = TrainingEventLog.eventFiles(in: folder)
                #expect(files.count == 1, "\(folder): \(files)")
                return try TensorBoardEventFile.events(contentsOf: folder + "/" + (files.first ?? "")).events.flatMap { event in
                    event.scalars.map { "\($0.tag)@\(event.step)=\($0.value)" }
                }
            }
            let curveAlone = try curve(root + "/alone/runs/" + name), curveSpread = try curve(root + "/spread/runs/" + name)
            #expect(!curveAlone.isEmpty && curveAlone == curveSpread, "\(name)'s events differ")
        }
        // Again: every run is reused, on either rank.
        let again = try Self.spread(2, Self.sweep + ["-o", root + "/spread"])
        #expect(again.status == 0 && again.stdout.contains("(0 runs trained, 4 reused)"), "\(again.stdout) \(again.stderr)")
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

    @Test("a study interrupted on its last rank (Ctrl-C, SIGTERM) exits 130 from every rank, and so mpirun, over 1, 2 and 3 processes; run again, it continues")
    func interruptedStudyExits130OnEveryRank() throws {
        let root = try TestSupport.temporaryDirectory().path
        // Each rank's exit code, written by a wrapper mpirun starts instead of the tool (it
        // outlives the SIGTERM mpirun sends the other ranks once one exits non-zero).
        let wrapper = root + "/rank.sh"
        try Data("#!/bin/sh\ntrap : INT TERM\n'\(try #require(Tool.binary))' \"$@\"\ncode=$?\necho $code > '\(root)'/np$OMPI_COMM_WORLD_SIZE-rank$OMPI_COMM_WORLD_RANK\nexit $code\n".utf8)
            .write(to: URL(fileURLWithPath: wrapper))
        chmod(wrapper, 0o755)
        for ranks in 1...3 {
            let arguments = ["study", "--quick", "--hidden", "32,16", "--threads", "1", "-o", root + "/np\(ranks)"]
            let stopped = try Self.spread(ranks, arguments, environment: ["MLPLAB_FAULT_INTERRUPT_AT": "1:2", "MLPLAB_FAULT_RANK": String(ranks - 1)],
                                          tool: wrapper)
            #expect(stopped.status == 130, "\(ranks) ranks: \(stopped.stderr)")
            for rank in 0..<ranks {
                let code = (try? String(contentsOfFile: root + "/np\(ranks)-rank\(rank)", encoding: .utf8)) ?? "nothing"
                #expect(code == "130\n", "\(ranks) ranks: rank \(rank) exited \(code)")
            }
            #expect(stopped.stderr.components(separatedBy: "stopped at a safe point").count == 2, "said once: \(stopped.stderr)")
            #expect(!stopped.stderr.contains("another rank stopped with an error"), "\(stopped.stderr)")
            if ranks == 2 {
                let again = try Self.spread(ranks, arguments)
                #expect(again.status == 0 && !again.stdout.contains(" 0 reused"), "\(again.stdout)\(again.stderr)")
            }
        }
    }

    @Test("commands that do not spread refuse to run under mpirun, once, with exit 64")
    func otherCommandsRefuse() throws {
        let result = try Self.spread(2, ["lr-find", "fashion-mnist", "--subset", "1280"])
        #expect(result.status != 0)
        #expect(result.stderr.components(separatedBy: "runs in one process").count == 2, "\(result.stderr)")
    }

    // MARK: Data-parallel training

    /// 1,280 training images in batches of 64: 20 steps an epoch.
    static let train = ["train", "fashion-mnist", "--subset", "1280", "--hidden", "64,32", "--lr", "0.05", "--momentum", "0.5",
                        "--batch-size", "64", "--threads", "1"]

    /// The parameters of a model file.
    static func parameters(_ path: String) throws -> [Float] { try ModelFile(contentsOf: path).parameters }

    /// ‖a − b‖ / ‖a‖.
    static func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        var difference = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            difference += Double(x - y) * Double(x - y)
            norm += Double(x) * Double(x)
        }
        return (difference / max(norm, .leastNormalMagnitude)).squareRoot()
    }

    static func metrics(_ folder: String) throws -> [[String: Any]] {
        try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test("train over 2 ranks against 1 process: parameters after 20 steps within 1e-5, each epoch's loss within 1e-4, the same test accuracy; --resume continues over 2 ranks")
    func trainOverTwoRanksEqualsOneProcess() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let alone = try Tool.run(Self.train + ["--epochs", "1", "--run-dir", runs, "--name", "alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let spread = try Self.spread(2, Self.train + ["--epochs", "1", "--run-dir", runs, "--name", "spread"])
        #expect(spread.status == 0, "\(spread.stderr)")
        #expect(spread.stdout.components(separatedBy: "epoch 1/1").count == 2, "rank 0 alone prints: \(spread.stdout)")
        #expect(spread.stdout.contains("× 2 processes (data-parallel)"), "\(spread.stdout)")
        let a = try Self.parameters(runs + "/alone/last.safetensors"), b = try Self.parameters(runs + "/spread/last.safetensors")
        #expect(!a.isEmpty && a.count == b.count)
        #expect(Self.relativeDifference(a, b) <= 1e-5, "parameters after 20 steps differ by \(Self.relativeDifference(a, b))")
        let config = try #require(Self.json(runs + "/spread/config.json") as? [String: Any])
        #expect(config["processes"] as? Int == 2)
        #expect((try Self.json(runs + "/alone/config.json") as? [String: Any])?["processes"] == nil)

        // Two more epochs each: the 2-rank run resumes over 2 ranks.
        #expect(try Tool.run(["train", "--resume", runs + "/alone", "--epochs", "3"]).status == 0)
        let resumed = try Self.spread(2, ["train", "--resume", runs + "/spread", "--epochs", "3"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let lossesA = try Self.metrics(runs + "/alone").map { $0["loss"] as? Double ?? .nan }
        let lossesB = try Self.metrics(runs + "/spread").map { $0["loss"] as? Double ?? .nan }
        #expect(lossesA.count == 3 && lossesB.count == 3)
        for (x, y) in zip(lossesA, lossesB) { #expect(abs(x - y) <= 1e-4 * abs(x), "epoch loss \(x) alone, \(y) over 2 ranks") }
        let resultA = try #require(Self.json(runs + "/alone/result.json") as? [String: Any])
        let resultB = try #require(Self.json(runs + "/spread/result.json") as? [String: Any])
        let testA = try #require(resultA["test_accuracy"] as? Double), testB = try #require(resultB["test_accuracy"] as? Double)
        #expect((testA * 1000).rounded() == (testB * 1000).rounded(), "test accuracy \(testA) alone, \(testB) over 2 ranks")
        #expect(testA > 0.5, "the model learned (test accuracy \(testA))")
    }

    @Test("a batch with fewer rows than ranks (the epoch's last, of 1 row): that rank adds nothing, and the step equals one process's")
    func lastBatchOfOneRow() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let arguments = ["train", "fashion-mnist", "--subset", "1281", "--hidden", "32", "--epochs", "2", "--threads", "1", "--run-dir", runs]
        #expect(try Tool.run(arguments + ["--name", "alone"]).status == 0)
        let spread = try Self.spread(2, arguments + ["--name", "spread"])
        #expect(spread.status == 0, "\(spread.stderr)")
        let a = try Self.parameters(runs + "/alone/last.safetensors"), b = try Self.parameters(runs + "/spread/last.safetensors")
        #expect(Self.relativeDifference(a, b) <= 1e-5)
        let resultB = try #require(Self.json(runs + "/spread/result.json") as? [String: Any])
        #expect((resultB["split_sizes"] as? [String: Any])?["train"] as? Int == 1281, "\(resultB["split_sizes"] ?? "")")
    }

    @Test("gradients summed in pieces of 7 floats (MLPLAB_MPI_PIECE=7, as a layer of more than 2^31 floats is): the same model as in one piece, bit for bit, and as one process's")
    func gradientsSummedInPiecesEqualOneProcess() throws {
        let runs = try TestSupport.temporaryDirectory().path
        // 784-32-10: 25,450 floats, 3,636 pieces a step; 1,281 rows end each epoch on a 1-row batch.
        let arguments = ["train", "fashion-mnist", "--subset", "1281", "--hidden", "32", "--lr", "0.05", "--momentum", "0.5",
                         "--batch-size", "64", "--epochs", "1", "--threads", "1", "--run-dir", runs]
        #expect(try Tool.run(arguments + ["--name", "alone"]).status == 0)
        let whole = try Self.spread(2, arguments + ["--name", "whole"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let pieces = try Self.spread(2, arguments + ["--name", "pieces"], environment: ["MLPLAB_MPI_PIECE": "7"])
        #expect(pieces.status == 0, "\(pieces.stderr)")
        let a = try Self.parameters(runs + "/alone/last.safetensors")
        let b = try Self.parameters(runs + "/whole/last.safetensors"), c = try Self.parameters(runs + "/pieces/last.safetensors")
        // Two ranks' sum is one addition, the same in any piece.
        #expect(!b.isEmpty && b == c, "\(zip(b, c).filter { $0 != $1 }.count) parameters differ between one piece and pieces of 7")
        #expect(Self.relativeDifference(a, c) <= 1e-5, "parameters differ from one process's by \(Self.relativeDifference(a, c))")
        #expect(Self.same(try Self.json(runs + "/pieces/result.json"), try Self.json(runs + "/whole/result.json")))
    }

    @Test("kill -9 of one rank mid-epoch: the job ends, the checkpoint stays, and --resume gives the uninterrupted model (over 2 ranks bit for bit; in one process to rounding)")
    func killedRankLeavesTrainingResumable() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let arguments = Self.train + ["--epochs", "3", "--run-dir", runs]
        let whole = try Self.spread(2, arguments + ["--name", "whole"])
        #expect(whole.status == 0, "\(whole.stderr)")
        for name in ["cut", "cut-alone"] {
            let killed = try Self.spread(2, arguments + ["--name", name], environment: ["MLPLAB_FAULT_KILL_AT": "2:5", "MLPLAB_FAULT_RANK": "1"])
            #expect(killed.status != 0, "the job should fail when a rank is killed")
            #expect(killed.stderr.contains("rank 1") && killed.stderr.contains("signal 9"), "mpirun names the rank that died: \(killed.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(runs)/\(name)/result.json"))
            #expect(try Self.metrics("\(runs)/\(name)").count == 1, "the checkpoint of epoch 1 stays")
        }
        let again = try Self.spread(2, ["train", "--resume", runs + "/cut"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.parameters(runs + "/cut/model.safetensors") == Self.parameters(runs + "/whole/model.safetensors"))
        #expect(Self.same(try Self.json(runs + "/cut/result.json"), try Self.json(runs + "/whole/result.json")))
        // Resumed by one process: the same training to rounding.
        let alone = try Tool.run(["train", "--resume", runs + "/cut-alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let a = try Self.parameters(runs + "/whole/last.safetensors"), b = try Self.parameters(runs + "/cut-alone/last.safetensors")
        #expect(Self.relativeDifference(a, b) <= 1e-5)
    }

    /// Open MPI with every byte between ranks through sockets, as between two nodes: the TCP
    /// transport alone (no shared memory), on the loopback interface (which it leaves out by
    /// default).
    static let overTCP = ["OMPI_MCA_btl": "tcp,self", "OMPI_MCA_btl_tcp_if_include": "lo"]

    @Test("over TCP (btl tcp,self): 2 ranks train the model they train over shared memory, bit for bit; a rank killed mid-epoch ends the job within a minute, once, and --resume gives the uninterrupted model")
    func overTCP() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let arguments = Self.train + ["--epochs", "2", "--run-dir", runs]
        let shared = try Self.spread(2, arguments + ["--name", "shared"])
        #expect(shared.status == 0, "\(shared.stderr)")
        let tcp = try Self.spread(2, arguments + ["--name", "tcp"], environment: Self.overTCP)
        #expect(tcp.status == 0, "\(tcp.stderr)")
        // Two ranks' sum is one addition whatever carries it.
        #expect(try Self.parameters(runs + "/tcp/model.safetensors") == Self.parameters(runs + "/shared/model.safetensors"))
        #expect(Self.same(try Self.json(runs + "/tcp/result.json"), try Self.json(runs + "/shared/result.json")))

        // Rank 1 killed after batch 5 of epoch 2: rank 0 is then waiting in the next step's sum.
        let clock = ContinuousClock(), start = clock.now
        let killed = try Self.spread(2, arguments + ["--name", "cut"],
                                     environment: Self.overTCP.merging(["MLPLAB_FAULT_KILL_AT": "2:5", "MLPLAB_FAULT_RANK": "1"]) { $1 })
        #expect(clock.now - start < .seconds(60), "the job took \(clock.now - start) to end after a rank died")
        #expect(killed.status != 0)
        #expect(killed.stderr.contains("rank 1") && killed.stderr.contains("signal 9"), "mpirun names the rank that died: \(killed.stderr)")
        #expect(try Self.metrics(runs + "/cut").count == 1, "the checkpoint of epoch 1 stays")
        let again = try Self.spread(2, ["train", "--resume", runs + "/cut"], environment: Self.overTCP)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.parameters(runs + "/cut/model.safetensors") == Self.parameters(runs + "/shared/model.safetensors"))
    }

    @Test("a diverging data-parallel training stops every rank with exit 3 and rank 0's diagnosis, printed once")
    func divergenceStopsEveryRank() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let result = try Self.spread(2, ["train", "fashion-mnist", "--subset", "1280", "--hidden", "32", "--lr", "50", "--epochs", "3",
                                         "--threads", "1", "--run-dir", runs, "--name", "d"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "the learning rate is too high").count == 2, "\(result.stderr)")
        #expect(try Self.metrics(runs + "/d").count == 1, "stopped after the epoch it diverged in")
    }

    @Test("data-parallel errors stop every rank with one message: a run folder holding another run")
    func dataParallelErrorIsPrintedOnce() throws {
        let runs = try TestSupport.temporaryDirectory().path
        #expect(try Tool.run(Self.train + ["--epochs", "1", "--run-dir", runs, "--name", "one"]).status == 0)
        let result = try Self.spread(2, ["train", "--resume", runs + "/one", "--lr", "0.1"])
        #expect(result.status != 0)
        #expect(result.stderr.components(separatedBy: "Error:").count == 2, "one message, from rank 0: \(result.stderr)")
        #expect(result.stderr.contains("learning_rate"), "\(result.stderr)")
    }
}

/// Open MPI's launcher (scripts/setup installs openmpi-bin).
enum MPIRun {
    static let path = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
}
