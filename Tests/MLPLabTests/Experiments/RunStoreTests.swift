import Foundation
import MLPLab
import Testing

struct RunStoreTests {
    @Test("a sweep's or study's run folder holding a user's files is refused, the files left as they were")
    func storeRunFoldersWithOtherFilesAreRefused() throws {
        let root = try TestSupport.temporaryDirectory().path
        let record = RunContinuationTests.record(epochs: 1)
        let store = RunStore(directory: root + "/runs", dataset: RunContinuationTests.dataset, data: record.data)
        let folder = store.folderPath("lr 0.05", record: store.plan(model: record.model, training: record.training))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: folder + "/summary.md"))
        do {
            _ = try store.run("lr 0.05", model: record.model, training: record.training)
            Issue.record("a run folder holding a user's summary.md was trained into")
        } catch {
            #expect("\(error)".contains("'summary.md'") && "\(error)".contains("output.folder"), "\(error)")
        }
        #expect(try String(contentsOfFile: folder + "/summary.md", encoding: .utf8) == "mine")
    }
}

/// Processes sharing a store's folders without MPI (a job array, two terminals): a run another
/// process holds is waited for, read back when it finishes it and continued when it lets go of
/// it unfinished. A second descriptor's flock excludes the first even in one process, so a
/// `RunFolder` held by the test stands for the other process.
@Suite(.serialized)
struct RunStoreSharingTests {
    static let record = RunContinuationTests.record(epochs: 1)

    static func store(_ root: String) -> RunStore {
        RunStore(directory: root + "/runs", dataset: RunContinuationTests.dataset, data: record.data)
    }

    static func folder(of store: RunStore, _ label: String = "lr 0.05") -> String {
        store.folderPath(label, record: store.plan(model: record.model, training: record.training))
    }

    /// The events a store reports, collected from its callbacks.
    final class Events: @unchecked Sendable {
        var lines: [String] = []
        init(_ store: RunStore) {
            store.onSharing = { [unowned self] in lines.append("\($0)") }
            store.onRunStart = { [unowned self] number, label, _, reused in lines.append("start \(number) \(label)\(reused ? " reused" : "")") }
        }
    }

    @Test("a run another process holds is left for later, waited for, and continued here when its holder lets go of it unfinished")
    func heldRunIsWaitedForAndTakenOver() throws {
        let root = try TestSupport.temporaryDirectory().path
        let store = Self.store(root)
        let events = Events(store)
        let holder = UncheckedBox<RunFolder>()
        holder.value = try RunFolder(path: Self.folder(of: store))
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { holder.value = nil }
        let requests = ["lr 0.05", "lr 0.1"].map { label -> RunStore.Request in
            var training = Self.record.training
            training.optimizer.learningRate = label == "lr 0.05" ? 0.05 : 0.1
            return RunStore.Request(label, model: Self.record.model, training: training)
        }
        let runs = try store.runAll(requests)
        #expect(runs.map(\.label) == ["lr 0.05", "lr 0.1"])
        #expect(runs.allSatisfy { $0.result.epochs.count == 1 })
        // The free run first; then the wait, named once, and the take-over.
        #expect(events.lines == ["start 2 lr 0.1", "waiting(number: 1, label: \"lr 0.05\", holder: \"\(getpid())\")",
                                 "takingOver(number: 1, label: \"lr 0.05\", holder: \"\(getpid())\")", "start 1 lr 0.05"], "\(events.lines)")
        #expect(store.trained == 2 && store.reused == 0)
    }

    @Test("a run another process finished since reusedBefore counts as trained by this study; one finished before, or asked again, as reused")
    func finishedRunsCountByWhenTheyWereWritten() throws {
        let root = try TestSupport.temporaryDirectory().path
        let before = Date()
        let first = Self.store(root)
        _ = try first.run("lr 0.05", model: Self.record.model, training: Self.record.training)
        #expect(first.trained == 1 && first.reused == 0)

        let beside = Self.store(root)
        beside.reusedBefore = before
        let events = Events(beside)
        let run = try beside.run("lr 0.05", model: Self.record.model, training: Self.record.training)
        #expect(!run.result.reused && beside.trained == 1 && beside.reused == 0)
        #expect(events.lines == ["trainedElsewhere(number: 1, label: \"lr 0.05\")"], "\(events.lines)")
        // Asked again by the same store (a study's fine grid repeating a coarse rate): reused.
        _ = try beside.run("lr 0.05", model: Self.record.model, training: Self.record.training)
        #expect(beside.trained == 1 && beside.reused == 1)

        let later = Self.store(root)
        let again = try later.run("lr 0.05", model: Self.record.model, training: Self.record.training)
        #expect(again.result.reused && later.trained == 0 && later.reused == 1)
    }

    @Test("cancelling the task stops a wait for a run another process holds, which would otherwise last as long as the holder")
    func cancellingStopsTheWait() async throws {
        let root = try TestSupport.temporaryDirectory().path
        let store = Self.store(root)
        let holder = try RunFolder(path: Self.folder(of: store))
        let shared = UncheckedBox<RunStore>()
        shared.value = store
        let task = Task { try shared.value!.run("lr 0.05", model: Self.record.model, training: Self.record.training) }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock(), start = clock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Polling looks at cancellation every 50 ms; the bound is loose because the suite shares
        // two cores with MPI and Slurm jobs (a starved thread took 3 s once). Without the
        // cancellation the wait would never end: the holder keeps the lock to the end.
        #expect(clock.now - start < .seconds(10))
        #expect(!FileManager.default.fileExists(atPath: Self.folder(of: store) + "/config.json"))
        withExtendedLifetime(holder) {}
    }
}
