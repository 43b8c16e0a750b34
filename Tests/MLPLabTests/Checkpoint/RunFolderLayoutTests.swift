import Foundation
import MLPLab
import Testing

struct RunFolderLayoutTests {
    @Test("opening a run folder removes the temporary files of writers that died mid-write, and only those")
    func staleTemporariesAreRemoved() throws {
        let path = try TestSupport.temporaryDirectory().path + "/run"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        // A pid far above Linux's pid_max (4,194,304) belongs to no process.
        let stale = path + "/.checkpoint.safetensors.tmp-99999999"
        let live = path + "/.checkpoint.safetensors.tmp-\(getpid())"
        let other = path + "/.notes.tmp-abc"
        for file in [stale, live, other] { #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8))) }
        _ = try RunFolder(path: path)
        #expect(!FileManager.default.fileExists(atPath: stale), "a dead writer's temporary was kept")
        #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: other))
    }
}
