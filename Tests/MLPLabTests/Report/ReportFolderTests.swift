import Foundation
import MLPLab
import Testing

/// The study's and the sweep's output folder: refused when it holds files MLPLab did not write.
struct ReportFolderTests {
    func write(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("a folder with a user's index.html and report.md is refused, naming them; output.force writes into it, leaving other files alone")
    func foreignFilesAreRefusedUnlessForced() throws {
        let root = try TestSupport.temporaryDirectory().path + "/out"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try write("<p>my page</p>", root + "/index.html")
        try write("# my notes", root + "/report.md")
        do {
            _ = try ReportFolder(path: root, kind: .study)
            Issue.record("a folder with the user's index.html was accepted")
        } catch let error as CheckpointError {
            let text = "\(error)"
            #expect(text.contains("'index.html'") && text.contains("output.force") && text.contains("output.folder"), "\(text)")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/" + ReportFolder.markerName))
        #expect(try String(contentsOfFile: root + "/index.html", encoding: .utf8) == "<p>my page</p>")
        // Forced, the folder becomes the study's: opened again, it is accepted.
        _ = try ReportFolder(path: root, kind: .study, force: true)
        _ = try ReportFolder(path: root, kind: .study)
        // A sweep's folder is not a study's.
        #expect(throws: CheckpointError.self) { try ReportFolder(path: root, kind: .sweep) }
    }

    @Test("a new or empty folder, and one a study wrote before the marker existed, are accepted")
    func ownFoldersAreAccepted() throws {
        let base = try TestSupport.temporaryDirectory().path
        _ = try ReportFolder(path: base + "/new", kind: .study)
        #expect(try String(contentsOfFile: base + "/new/" + ReportFolder.markerName, encoding: .utf8) == "study\n")
        try FileManager.default.createDirectory(atPath: base + "/old/runs", withIntermediateDirectories: true)
        try write("<html>", base + "/old/index.html")
        try write("{\n  \"mlplab_version\" : \"0.9\"\n}", base + "/old/results.json")
        _ = try ReportFolder(path: base + "/old", kind: .study)
        try FileManager.default.createDirectory(atPath: base + "/oldsweep", withIntermediateDirectories: true)
        try write("| run | final loss | best val acc | test acc | status | folder |\n", base + "/oldsweep/sweep.md")
        _ = try ReportFolder(path: base + "/oldsweep", kind: .sweep)
        // An interrupted study of an earlier version: run folders only.
        try FileManager.default.createDirectory(atPath: base + "/cut/runs/a", withIntermediateDirectories: true)
        _ = try ReportFolder(path: base + "/cut", kind: .study)
        // A results.json of someone else's is not a study's.
        try FileManager.default.createDirectory(atPath: base + "/theirs", withIntermediateDirectories: true)
        try write("{\"accuracy\": 1}", base + "/theirs/results.json")
        #expect(throws: CheckpointError.self) { try ReportFolder(path: base + "/theirs", kind: .study) }
    }
}
