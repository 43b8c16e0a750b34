import Foundation
import MLPLab
import Testing

struct RunFolderTests {
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

    /// The message `body` throws, or a note that it threw nothing.
    static func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test("a run name with a control character, a line break or more than 255 bytes is refused naming run.name (adversarial 16)",
          arguments: ["new\nline", "bell\u{7}", "esc\u{1B}[31m", String(repeating: "n", count: 256), String(repeating: "é", count: 128)])
    func badNamesAreRefused(name: String) {
        #expect(throws: ConfigurationError.self) { try RunFolder.checkName(name) }
        let message = Self.message { try RunFolder.checkName(name) }
        #expect(message.hasPrefix("run.name ") && !message.contains("\n"), "\(message)")
    }

    @Test("names up to 255 bytes and with non-ASCII letters are accepted")
    func goodNamesAreAccepted() throws {
        try RunFolder.checkName(String(repeating: "n", count: 255))
        try RunFolder.checkName("lr0.05-靴-ü")
    }

    @Test("a place a run folder cannot go names the actual problem, not the disk's space (adversarial 16)")
    func cannotCreateNamesTheProblem() throws {
        let root = try TestSupport.temporaryDirectory().path
        // A dangling link where the run folder goes: found before any data is read.
        try FileManager.default.createSymbolicLink(atPath: root + "/dl", withDestinationPath: root + "/nowhere")
        let dangling = Self.message { _ = try RunFolder.pathForNewRun(in: root, name: "dl") }
        #expect(dangling.contains("symbolic link") && dangling.contains("nowhere") && !dangling.contains("space"), "\(dangling)")
        #expect(Self.message { _ = try RunFolder(path: root + "/dl") }.contains("symbolic link"))
        // A file in the run directory's path.
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        let file = Self.message { _ = try RunFolder.pathForNewRun(in: root + "/file/runs", name: "r") }
        #expect(file.contains("'\(root)/file': it is a file, not a folder") && !file.contains("space"), "\(file)")
        // A run directory component longer than the file system allows.
        let long = Self.message { _ = try RunFolder.pathForNewRun(in: root + "/" + String(repeating: "d", count: 300), name: "r") }
        #expect(long.contains("too long") && long.contains("run.directory") && !long.contains("space"), "\(long)")
    }
}
