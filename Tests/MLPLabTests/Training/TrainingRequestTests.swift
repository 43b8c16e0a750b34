import Foundation
import MLPLab
import Testing

/// `Training.prepare`: a new run, or a stored run continued with settings given over it.
struct TrainingRequestTests {
    static let dataset = SyntheticData.quadrants(count: 200)

    /// A loader that hands out the synthetic data and records which settings it was asked for.
    final class Loader: @unchecked Sendable {
        var asked: [(DataConfiguration, Int)] = []
        func load(_ data: DataConfiguration, threads: Int) -> (Dataset, [ImageFolderReport.SkippedFile]) {
            asked.append((data, threads))
            return (TrainingRequestTests.dataset, [])
        }
    }

    static func request(in directory: String) -> TrainingRequest {
        var request = TrainingRequest(command: ["a", "test"])
        request.runDirectory = directory
        request.name = "r"
        request.data = { var data = $0; data.source = "quadrants"; return data }
        request.training = { var training = $0; training.epochs = 2; training.batchSize = 16; return training }
        request.model = { var model = $0; model.hiddenSizes = [12]; return model }
        return request
    }

    @Test("a new run: the defaults with the settings given, every core's threads, the folder made after the data loaded")
    func newRunAppliesSettingsOverDefaults() throws {
        let root = try TestSupport.temporaryDirectory().path
        let loader = Loader()
        let prepared = try Training.prepare(Self.request(in: root), load: loader.load)
        #expect(prepared.folder?.path == root + "/r")
        #expect(prepared.record.command == ["a", "test"])
        #expect(prepared.record.training.epochs == 2 && prepared.record.training.batchSize == 16)
        #expect(prepared.record.training.threads == Launch.detect().defaultThreads())
        #expect(prepared.record.model.layerSizes == [64, 12, 4])
        #expect(loader.asked.count == 1 && loader.asked[0].0.source == "quadrants" && loader.asked[0].1 == prepared.record.training.threads)
        prepared.folder?.discardIfUnstarted()
        #expect(!FileManager.default.fileExists(atPath: root + "/r"), "an unstarted run leaves no folder")
    }

    @Test("a resume: the stored record with only the settings given changed, its command kept; a finished run not trained further is refused")
    func resumeAppliesSettingsOverTheStoredRun() throws {
        let root = try TestSupport.temporaryDirectory().path
        let path = root + "/r"
        // Each prepared run holds its folder's lock until it is released: one at a time.
        do {
            let first = try Training.prepare(Self.request(in: root), load: Loader().load)
            _ = try Training.run(first.record, on: first.dataset, in: first.folder)
        }
        do {
            var resume = TrainingRequest(command: ["ignored"])
            resume.resume = path
            resume.training = { var training = $0; training.epochs = 4; return training }
            let loader = Loader()
            let prepared = try Training.prepare(resume, load: loader.load)
            #expect(prepared.record.training.epochs == 4)
            #expect(prepared.record.training.batchSize == 16 && prepared.record.model.hiddenSizes == [12])
            #expect(prepared.record.command == ["a", "test"])
            #expect(loader.asked.first?.0.source == "quadrants")
            let result = try Training.run(prepared.record, on: prepared.dataset, in: prepared.folder)
            #expect(result.epochs.count == 4)
        }
        var again = TrainingRequest()
        again.resume = path
        #expect(throws: CheckpointError.self) { _ = try Training.prepare(again, load: Loader().load) }
    }
}
