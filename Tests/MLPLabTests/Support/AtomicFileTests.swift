import Foundation
import MLPLab
import Testing

/// `AtomicFile`: whole files or none, and a clear error where no file can go.
struct AtomicFileTests {
    @Test("writes the whole file and leaves no temporary; a path that is a folder is refused with what to give instead, the folder untouched")
    func writesFilesAndRefusesFolders() throws {
        let root = try TestSupport.temporaryDirectory().path
        try AtomicFile.write(Data("one".utf8), to: root + "/a.txt")
        try AtomicFile.write(Data("two".utf8), to: root + "/a.txt")
        #expect(try String(contentsOfFile: root + "/a.txt", encoding: .utf8) == "two")
        try FileManager.default.createDirectory(atPath: root + "/chart", withIntermediateDirectories: false)
        #expect(throws: AtomicFileError.self) { try AtomicFile.write(Data("x".utf8), to: root + "/chart") }
        do { try AtomicFile.write(Data("x".utf8), to: root + "/chart") } catch let error as AtomicFileError {
            #expect("\(error)" == "cannot write '\(root)/chart': it is a folder. Give the name of a file to write, in that folder or elsewhere.")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["a.txt", "chart"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/chart").isEmpty)
    }

    @Test("lr-find given a folder for its chart says so at once, before its pass over the data")
    func lrFindRefusesAFolderFirst() throws {
        let root = try TestSupport.temporaryDirectory().path
        let result = try Tool.run(["lr-find", "fashion-mnist", "-o", root])
        #expect(result.status == 1 && result.stderr.contains("it is a folder") && !result.stderr.contains("lowest smoothed loss"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
