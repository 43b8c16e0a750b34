import Foundation
import MLPLab
import Testing

/// The tool under a real Slurm (Debian 12's 22.05): the one-node cluster of 3 or more CPUs that
/// `make test` starts with scripts/slurm and names in MLPLAB_SLURM_CONF. `srun --mpi=pmix` starts
/// the ranks (Debian's Open MPI talks PMIx to Slurm's plugin; it has no PMI-2 of Slurm's),
/// `salloc` + `mpirun` too; `sbatch` runs docs/examples/train.sbatch as a user would, and
/// docs/examples/sweep-array.sbatch as a job array; `scancel` stops a training. Each compares with one process or an uninterrupted run, as
/// DistributedTests does under `mpirun`.
@Suite(.serialized, .enabled(if: SlurmCluster.unavailable == nil, Comment(rawValue: SlurmCluster.unavailable ?? "")))
struct SlurmTests {
    /// The tool, started by srun in the tasks of a job.
    static var binary: String { Tool.binary ?? "mlplab" }

    @Test("srun --mpi=pmix -n 2 trains the model salloc -n 2 mpirun trains, bit for bit, and one process's to rounding: parameters within 1e-5, each epoch's loss within 1e-4, the same test accuracy")
    func trainUnderSrunEqualsOneProcess() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let arguments = DistributedTests.train + ["--epochs", "2", "--run-dir", runs]
        let alone = try Tool.run(arguments + ["--name", "alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let srun = try SlurmCluster.run("srun", ["--mpi=pmix", "-n", "2", Self.binary] + arguments + ["--name", "srun"])
        #expect(srun.status == 0, "\(srun.stderr)")
        #expect(srun.stdout.contains("1 thread × 2 processes (data-parallel)"), "\(srun.stdout)")
        #expect(srun.stdout.components(separatedBy: "epoch 1/2").count == 2, "rank 0 alone prints: \(srun.stdout)")
        let mpirun = try #require(MPIRun.path)
        let salloc = try SlurmCluster.run("salloc", ["-n", "2", mpirun, "--allow-run-as-root", Self.binary] + arguments + ["--name", "mpirun"])
        #expect(salloc.status == 0, "\(salloc.stderr)")

        let a = try DistributedTests.parameters(runs + "/alone/last.safetensors")
        let b = try DistributedTests.parameters(runs + "/srun/last.safetensors")
        let c = try DistributedTests.parameters(runs + "/mpirun/last.safetensors")
        #expect(!b.isEmpty && b == c, "\(zip(b, c).filter { $0 != $1 }.count) parameters differ between srun and salloc + mpirun")
        #expect(DistributedTests.relativeDifference(a, b) <= 1e-5, "parameters differ from one process's by \(DistributedTests.relativeDifference(a, b))")
        #expect((try DistributedTests.json(runs + "/srun/config.json") as? [String: Any])?["processes"] as? Int == 2)
        let lossesA = try DistributedTests.metrics(runs + "/alone").map { $0["loss"] as? Double ?? .nan }
        let lossesB = try DistributedTests.metrics(runs + "/srun").map { $0["loss"] as? Double ?? .nan }
        #expect(lossesA.count == 2 && lossesB.count == 2)
        for (x, y) in zip(lossesA, lossesB) { #expect(abs(x - y) <= 1e-4 * abs(x), "epoch loss \(x) alone, \(y) under srun") }
        let testA = try #require((DistributedTests.json(runs + "/alone/result.json") as? [String: Any])?["test_accuracy"] as? Double)
        let testB = try #require((DistributedTests.json(runs + "/srun/result.json") as? [String: Any])?["test_accuracy"] as? Double)
        #expect((testA * 1000).rounded() == (testB * 1000).rounded(), "test accuracy \(testA) alone, \(testB) under srun")
    }

    @Test("srun -n 2 without an MPI plugin: train refuses (exit 64) with one line naming --mpi=pmix, and leaves no run folder")
    func trainUnderSrunWithoutMPIRefuses() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let srun = try SlurmCluster.run("srun", ["--mpi=none", "-n", "2", Self.binary] + DistributedTests.train + ["--epochs", "1", "--run-dir", runs, "--name", "r"])
        #expect(srun.status == 64, "\(srun.stdout)\(srun.stderr)")
        #expect(srun.stderr.components(separatedBy: "add --mpi=pmix to srun").count == 2, "said once: \(srun.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/r"))
    }

    @Test("a study --quick over srun --mpi=pmix -n 2 writes the results.json numbers one process writes, both ranks training")
    func studyUnderSrunEqualsOneProcess() throws {
        let root = try TestSupport.temporaryDirectory().path
        let arguments = ["study", "--quick", "--hidden", "32,16", "--threads", "1"]
        let alone = try Tool.run(arguments + ["-o", root + "/alone"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let srun = try SlurmCluster.run("srun", ["--mpi=pmix", "-n", "2", Self.binary] + arguments + ["-o", root + "/srun"])
        #expect(srun.status == 0, "\(srun.stderr)")
        #expect(srun.stderr.contains("rank 1: ["), "rank 1 trained nothing: \(srun.stderr)")
        let a = try DistributedTests.json(root + "/alone/results.json"), b = try DistributedTests.json(root + "/srun/results.json")
        #expect(DistributedTests.same(a, b), "results.json differs between one process and srun's two ranks")
        #expect((b as? [String: Any])?["runs_trained"] as? Int == (a as? [String: Any])?["runs_trained"] as? Int)
        #expect(FileManager.default.fileExists(atPath: root + "/srun/index.html"))
    }

    @Test("scancel of a running sbatch job stops its 2-rank training after a batch (both tasks exit 130, the job is CANCELLED, the last epoch's checkpoint stays), and --resume under srun gives the uninterrupted model bit for bit")
    func scancelStopsTrainingAndResumeContinues() throws {
        let root = try TestSupport.temporaryDirectory().path
        let runs = root + "/runs"
        // 6,400 images in batches of 64: 100 steps an epoch, 20 epochs. Long enough that scancel,
        // sent once epoch 1 is saved, reaches a training still running.
        let arguments = ["train", "fashion-mnist", "--subset", "6400", "--hidden", "64,32", "--lr", "0.05", "--momentum", "0.5",
                         "--batch-size", "64", "--threads", "1", "--epochs", "20", "--run-dir", runs]
        let command = (["srun", "--mpi=pmix", Self.binary] + arguments + ["--name", "cut"]).map(SlurmCluster.quoted).joined(separator: " ")
        let submitted = try SlurmCluster.run("sbatch", ["--parsable", "--ntasks=2", "--output=\(root)/cut.out", "--wrap", command])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let job = try #require(submitted.stdout.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })

        let metrics = runs + "/cut/metrics.jsonl"
        func epochsSaved() -> Int {
            ((try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        let started = try SlurmCluster.wait(seconds: 120) { epochsSaved() >= 1 || SlurmCluster.state(of: job) != "RUNNING" && SlurmCluster.state(of: job) != "PENDING" }
        #expect(started && epochsSaved() >= 1, "no epoch saved: job \(job) is \(SlurmCluster.state(of: job) ?? "gone"); \((try? String(contentsOfFile: root + "/cut.out", encoding: .utf8)) ?? "")")
        let cancelled = try SlurmCluster.run("scancel", [job])
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        // COMPLETING until both tasks have exited.
        let ended = try SlurmCluster.wait(seconds: 120) { !["PENDING", "RUNNING", "COMPLETING", "CONFIGURING"].contains(SlurmCluster.state(of: job) ?? "") }
        #expect(ended && SlurmCluster.state(of: job) == "CANCELLED", "job \(job) is \(SlurmCluster.state(of: job) ?? "gone")")

        let output = try String(contentsOfFile: root + "/cut.out", encoding: .utf8)
        #expect(output.components(separatedBy: "stopping at the end of this batch (SIGTERM again to quit at once)").count == 2,
                "rank 0 alone says it stops: \(output)")
        // srun reports each task's end: both exited 130 (stopped at a safe point), none killed.
        let ends = output.split(separator: "\n").filter { $0.contains("srun: error:") && ($0.contains("Exited") || $0.contains("Killed")) }
        #expect(!ends.isEmpty && ends.allSatisfy { $0.hasSuffix("Exited with exit code 130") }, "\(output)")
        let saved = epochsSaved()
        #expect(saved >= 1 && saved < 20, "scancel came after the training ended (\(saved) epochs)")
        #expect(output.contains("stopped after epoch \(saved) of 20"), "\(output)")
        #expect(output.contains("mlplab train --resume \(runs)/cut"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: runs + "/cut/result.json"))
        #expect(!FileManager.default.fileExists(atPath: runs + "/cut/model.safetensors"))
        #expect(try !SafeTensors(contentsOf: runs + "/cut/checkpoint.safetensors").tensors.isEmpty)

        let resumed = try SlurmCluster.run("srun", ["--mpi=pmix", "-n", "2", Self.binary, "train", "--resume", runs + "/cut"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming after epoch \(saved)"), "\(resumed.stdout)")
        let whole = try SlurmCluster.run("srun", ["--mpi=pmix", "-n", "2", Self.binary] + arguments + ["--name", "whole"])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: runs + "/cut/model.safetensors"))
                == Data(contentsOf: URL(fileURLWithPath: runs + "/whole/model.safetensors")), "the resumed model differs from the uninterrupted one")
        #expect(DistributedTests.same(try DistributedTests.json(runs + "/cut/result.json"), try DistributedTests.json(runs + "/whole/result.json")))
    }

    static var script: String { BatchScriptTests.script }

    @Test("docs/examples/train.sbatch, as docs/clusters.md shows it: sbatch --wait trains over its 2 tasks (one process's model to rounding); submitted again with more epochs, it continues the run")
    func sbatchScriptTrainsAndContinues() throws {
        let folder = try TestSupport.temporaryDirectory().path
        let small = ["--subset", "1280", "--hidden", "64,32", "--batch-size", "64", "--lr", "0.05", "--epochs", "2"]
        let first = try SlurmCluster.run("sbatch", ["--wait", "--chdir=" + folder, Self.script] + small)
        let outputs = { (try? FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("mlplab-train-") }.sorted()) ?? [] }
        let log = { outputs().map { (try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8)) ?? "" }.joined() }
        #expect(first.status == 0, "\(first.stderr)\(log())")
        let run = folder + "/runs/fashion-mnist"
        let config = try #require(DistributedTests.json(run + "/config.json") as? [String: Any])
        #expect(config["processes"] as? Int == 2, "\(config)")
        #expect((config["training"] as? [String: Any])?["threads"] as? Int == 1, "--cpus-per-task=1 gives 1 thread: \(config)")
        #expect(try DistributedTests.metrics(run).count == 2)
        let alone = try Tool.run(["train", "fashion-mnist", "--threads", "1", "--run-dir", folder, "--name", "alone"] + small)
        #expect(alone.status == 0, "\(alone.stderr)")
        let a = try DistributedTests.parameters(folder + "/alone/last.safetensors"), b = try DistributedTests.parameters(run + "/last.safetensors")
        #expect(DistributedTests.relativeDifference(a, b) <= 1e-5, "parameters differ from one process's by \(DistributedTests.relativeDifference(a, b))")

        let again = try SlurmCluster.run("sbatch", ["--wait", "--chdir=" + folder, Self.script, "--epochs", "3"])
        #expect(again.status == 0, "\(again.stderr)\(log())")
        #expect(outputs().count == 2 && log().contains("resuming after epoch 2"), "\(log())")
        #expect(try DistributedTests.metrics(run).count == 3)
        #expect(FileManager.default.fileExists(atPath: run + "/result.json"))
    }

    @Test("docs/examples/sweep-array.sbatch, as docs/clusters.md shows it, as a 3-task job array (sbatch --wait --array=0-2): every task exits 0, each of the 6 runs is trained by one task and once, one task writes sweep.md, and sweep.md and every result.json equal the script's run by bash as one process")
    func sweepArrayEqualsOneProcess() throws {
        let root = try TestSupport.temporaryDirectory().path
        let shared = root + "/shared", alone = root + "/alone"
        for folder in [shared, alone] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        // 6 runs (3 rates × the script's 2 momenta) of 3 epochs of 22 batches, as SharedFolderTests' sweep.
        let small = ["--subset", "1500", "--hidden", "32", "--lr", "0.01,0.05,0.1", "--epochs", "3"]
        // One CPU a task (so --threads 1), and the node's 3 CPUs start the 3 tasks at once.
        let submitted = try SlurmCluster.run("sbatch", ["--wait", "--parsable", "--array=0-2", "--cpus-per-task=1", "--chdir=" + shared,
                                                        BatchScriptTests.sweepArray] + small)
        let job = submitted.stdout.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let logs = (0..<3).map { "mlplab-sweep-\(job)_\($0).out" }
        let outputs = logs.map { (try? String(contentsOfFile: shared + "/" + $0, encoding: .utf8)) ?? "" }
        // sbatch --wait exits with the highest exit code of the array's tasks.
        #expect(submitted.status == 0, "\(submitted.stderr)\(outputs.joined())")
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared).filter { $0.hasPrefix("mlplab-sweep-") }.sorted() == logs)
        // The same script, by bash alone: SLURM_CPUS_PER_TASK unset gives --threads 1 too.
        let plain = try Tool.run([BatchScriptTests.sweepArray] + small, environment: SlurmCluster.environment, executable: "/bin/bash",
                                 directory: alone)
        #expect(plain.status == 0, "\(plain.stderr)")

        // A task's output file holds its stdout and stderr, both.
        let tasks = outputs.map { Tool.Result(status: submitted.status, stdout: $0, stderr: $0) }
        SharedFolderTests.checkProcesses(tasks, runs: 6, killed: false, files: "sweep/sweep.md, loss.svg, accuracy.svg")
        #expect(try SharedFolderTests.sweepTable(shared + "/sweep") == SharedFolderTests.sweepTable(alone + "/sweep"))
        try SharedFolderTests.checkRuns(shared + "/sweep", against: alone + "/sweep")
    }
}

/// The batch script docs/clusters.md shows, without a cluster.
struct BatchScriptTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs")
    /// docs/examples/train.sbatch.
    static let script = docs.appendingPathComponent("examples/train.sbatch").path
    /// docs/examples/sweep-array.sbatch.
    static let sweepArray = docs.appendingPathComponent("examples/sweep-array.sbatch").path

    @Test("docs/clusters.md shows docs/examples/train.sbatch and sweep-array.sbatch whole, as they are", arguments: ["train.sbatch", "sweep-array.sbatch"])
    func pageShowsTheScript(_ name: String) throws {
        let text = try String(contentsOfFile: Self.docs.appendingPathComponent("examples/" + name).path, encoding: .utf8)
        let page = try String(contentsOfFile: Self.docs.appendingPathComponent("clusters.md").path, encoding: .utf8)
        #expect(text.hasPrefix("#!/bin/bash\n") && text.contains("#SBATCH --"))
        #expect(page.contains("```bash\n" + text + "```\n"), "docs/clusters.md shows another script than docs/examples/\(name)")
    }
}

/// The one-node Slurm cluster `make test` starts (scripts/slurm) and names in MLPLAB_SLURM_CONF.
/// Not the machine's own Slurm (`SLURM_CONF`): the tests submit jobs only to a cluster made for them.
enum SlurmCluster {
    /// The cluster's slurm.conf.
    static let configuration = ProcessInfo.processInfo.environment["MLPLAB_SLURM_CONF"].flatMap { $0.isEmpty ? nil : $0 }

    /// Slurm's command `name` (srun, sbatch, …), where Debian's slurm-client puts it.
    static func command(_ name: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Why the Slurm tests cannot run here, or nil when they can.
    static let unavailable: String? = {
        guard let configuration else {
            return "no Slurm cluster: MLPLAB_SLURM_CONF is not set. make test sets it when scripts/slurm can start one (as root, with scripts/setup's munge, slurmctld, slurmd and slurm-client)."
        }
        guard FileManager.default.fileExists(atPath: configuration) else {
            return "no Slurm cluster: MLPLAB_SLURM_CONF names '\(configuration)', which does not exist. Start one with: bash scripts/slurm start"
        }
        let missing = ["srun", "sbatch", "salloc", "scancel", "scontrol"].filter { command($0) == nil }
        guard missing.isEmpty else { return "no Slurm commands: \(missing.joined(separator: ", ")) not found. scripts/setup installs slurm-client." }
        guard TestSupport.fashionMNISTAvailable, MPIRun.path != nil else {
            return "Fashion-MNIST or Open MPI is missing: scripts/setup installs dataset-fashion-mnist and openmpi-bin."
        }
        return nil
    }()

    /// The environment of Slurm's commands and of the tasks they start (srun passes its own on):
    /// the cluster's slurm.conf, the tool's folder first on PATH (a batch script calls `mlplab`),
    /// and what MPI's launchers need in the tests.
    static var environment: [String: String] {
        let path = [Tool.binary.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path },
                    ProcessInfo.processInfo.environment["PATH"]].compactMap { $0 }.joined(separator: ":")
        return DistributedTests.launcherEnvironment.merging(["SLURM_CONF": configuration ?? "", "PATH": path]) { $1 }
    }

    /// Slurm's command `name` with `arguments`, on this cluster.
    static func run(_ name: String, _ arguments: [String]) throws -> Tool.Result {
        guard let path = command(name) else { throw SlurmCommandMissing(name: name) }
        return try Tool.run(arguments, environment: environment, executable: path)
    }

    /// Job `id`'s state (RUNNING, COMPLETING, CANCELLED, …), nil once Slurm has forgotten it.
    static func state(of id: String) -> String? {
        guard let shown = try? run("scontrol", ["show", "job", "-o", id]), shown.status == 0 else { return nil }
        return shown.stdout.split(separator: " ").first { $0.hasPrefix("JobState=") }.map { String($0.dropFirst("JobState=".count)) }
    }

    /// Whether `condition` came true within `seconds`, asked every 0.2 s.
    static func wait(seconds: Double, until condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }

    struct SlurmCommandMissing: Error { var name: String }

    /// `text` quoted for the shell (sbatch --wrap runs its command with /bin/sh).
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
