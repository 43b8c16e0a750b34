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
