import Foundation
import MLPLab
import Testing

/// Entries of an image folder that are not plain image files: judged by their names first, as
/// torchvision does (issue 14 #16, #17), and the cache's view of a changed file (#9).
@Suite(.serialized)
struct ImageFolderEntryTests {
    static func link(_ folder: FolderBuilder, _ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/" + relative, withDestinationPath: target)
    }

    /// Creates an empty file whose name is `bytes` (not necessarily UTF-8) in `relativeFolder`.
    static func createFile(_ folder: FolderBuilder, in relativeFolder: String, named bytes: [UInt8], directory: Bool = false) {
        let path = Array((folder.path + "/" + relativeFolder + "/").utf8).map { CChar(bitPattern: $0) } + bytes.map { CChar(bitPattern: $0) } + [0]
        if directory {
            #expect(mkdir(path, 0o755) == 0)
        } else {
            let descriptor = open(path, O_CREAT | O_WRONLY, 0o644)
            #expect(descriptor >= 0)
            close(descriptor)
        }
    }

    static func load(_ folder: FolderBuilder, skip: Bool = false) throws -> (dataset: Dataset, report: ImageFolderReport) {
        var options = ImageFolderOptions()
        options.skipUnreadable = skip
        return try ImageFolder.load(folder.path, options: options, threads: 2)
    }

    // MARK: #16 entries that are not images by name are never touched

    @Test("dangling links, pipes, loops and odd names that are not images by their extension are ignored, not fatal")
    func nonImageEntriesAreIgnored() throws {
        let folder = try FolderBuilder.good()
        try Self.link(folder, "cat/README", to: "/nonexistent/README")
        try Self.link(folder, "cat/notes.txt", to: "/nonexistent/notes.txt")
        try Self.link(folder, "ant/loop", to: "loop")                 // a link to itself, no extension
        try Self.link(folder, "ant/.#lock.png", to: "nobody@host.1234")  // an editor's lock file: hidden
        #expect(mkfifo(folder.path + "/bee/pipe.txt", 0o644) == 0)
        try folder.write("bee/secret.txt", Data("x".utf8))
        chmod(folder.path + "/bee/secret.txt", 0)
        Self.createFile(folder, in: "cat", named: [0xFF, 0x2E, 0x74, 0x78, 0x74])  // "\xff.txt"
        try Self.link(folder, "dog", to: "/nonexistent/dog")          // a dangling class link: not a class
        try Self.link(folder, "self", to: ".")                        // a link back to the folder: not a class
        // Folders are still found through links, whatever their names.
        let elsewhere = try FolderBuilder("elsewhere")
        try elsewhere.write("more/9.png", FolderBuilder.image(seed: 9))
        try Self.link(folder, "bee/linked.d", to: elsewhere.path + "/more")

        let (names, files, ignored) = try ImageFolder.scan(folder.path)
        #expect(names == ["ant", "bee", "cat"])
        #expect(files.map(\.relativePath) == ["ant/0.png", "ant/1.png", "bee/0.png", "bee/1.png", "bee/linked.d/9.png", "cat/0.png", "cat/1.png"])
        #expect(Set(ignored) == ["dog", "self", "ant/loop", "bee/pipe.txt", "bee/secret.txt", "cat/README", "cat/notes.txt", "cat/\\xff.txt"], "\(ignored)")
        let (dataset, report) = try Self.load(folder)
        #expect(dataset.count == 7 && report.skipped.isEmpty && report.ignoredCount == 8)
    }

    // MARK: #17 image entries that cannot be read: one line naming them, or skipped with a reason

    /// (kind, the entry's path relative to the folder as named in messages, a word of the reason)
    static let unusableKinds: [(String, String, String)] = [
        ("dangling", "cat/gone.png", "dangling symbolic link"),
        ("self-link", "cat/loop.png", "symbolic link loop"),
        ("pipe", "cat/pipe.png", "not a regular file"),
        ("not-utf8", "cat/\\xffA.png", "not valid UTF-8"),
        ("folder-loop", "cat/again", "loop"),
        ("not-utf8-folder", "cat/\\xfe", "not valid UTF-8"),
    ]

    static func makeUnusable(_ kind: String, in folder: FolderBuilder) throws {
        switch kind {
        case "dangling": try link(folder, "cat/gone.png", to: "/nonexistent/gone.png")
        case "self-link": try link(folder, "cat/loop.png", to: "loop.png")
        case "pipe": #expect(mkfifo(folder.path + "/cat/pipe.png", 0o644) == 0)
        case "not-utf8": createFile(folder, in: "cat", named: [0xFF, 0x41, 0x2E, 0x70, 0x6E, 0x67])
        case "folder-loop": try link(folder, "cat/again", to: "..")
        default: createFile(folder, in: "cat", named: [0xFE], directory: true)
        }
    }

    @Test("an unusable image entry stops the load with one line naming it and data.image_folder.skip_unreadable",
          arguments: ImageFolderEntryTests.unusableKinds)
    func unusableImageEntryIsNamed(kind: String, shown: String, reason: String) throws {
        let folder = try FolderBuilder.good("unusable-\(kind)")
        try Self.makeUnusable(kind, in: folder)
        let message = try #require(ImageFolderTests.loadError(folder), "\(kind) was accepted")
        #expect(message.contains(String(shown.split(separator: "/").last!)), "\(message)")
        #expect(message.contains(reason) && message.contains("data.image_folder.skip_unreadable"), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test("with --skip-unreadable an unusable image entry is skipped and listed with its reason",
          arguments: ImageFolderEntryTests.unusableKinds)
    func unusableImageEntryIsSkipped(kind: String, shown: String, reason: String) throws {
        let folder = try FolderBuilder.good("skipped-\(kind)")
        try Self.makeUnusable(kind, in: folder)
        let (dataset, report) = try Self.load(folder, skip: true)
        #expect(dataset.count == 6)
        #expect(report.skipped.map(\.path) == [shown], "\(report.skipped)")
        #expect(report.skipped.first?.reason.contains(reason) == true, "\(report.skipped)")
        #expect(report.notes.first?.contains("\(shown) (") == true, "\(report.notes)")
    }

    @Test("a class folder whose name is not UTF-8 is refused with its bytes escaped; --skip-unreadable does not drop a class")
    func nonUTF8ClassFolderIsRefused() throws {
        let folder = try FolderBuilder.good()
        Self.createFile(folder, in: "", named: [0x64, 0xFF], directory: true)  // "d\xff"
        for skip in [false, true] {
            var options = ImageFolderOptions()
            options.skipUnreadable = skip
            let message = try #require(ImageFolderTests.loadError(folder, options: options))
            #expect(message.contains("class folder") && message.contains("'d\\xff'") && message.contains("Rename the folder"), "\(message)")
        }
    }

    // MARK: #9 the cache sees a file replaced and re-dated

    @Test("a file overwritten with the same size and re-dated to its old time (touch -r) is decoded again, not served from the cache")
    func redatedFileIsNotServedStale() throws {
        let folder = try FolderBuilder()
        func pgm(_ value: UInt8) -> Data { Data("P5\n3 2\n255\n".utf8) + Data(repeating: value, count: 6) }
        for name in ["a", "b"] {
            try folder.write("\(name)/0.pgm", pgm(10))
            try folder.write("\(name)/1.pgm", pgm(20))
        }
        let cache = DatasetCache(directory: try TestSupport.temporaryDirectory("cache").path)
        let (first, _) = try ImageFolder.load(folder.path, threads: 1, cache: cache)
        #expect(first.pixels.prefix(6).allSatisfy { $0 == 10 })

        let path = folder.path + "/a/0.pgm"
        var before = stat()
        #expect(stat(path, &before) == 0)
        // Overwrite in place (same inode, same size) until the system's clock gives a new change time.
        var after = stat()
        repeat {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.write(contentsOf: pgm(200))
            try handle.close()
            var times = [before.st_atim, before.st_mtim]  // touch -r: the old times back
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
            #expect(stat(path, &after) == 0)
        } while after.st_ctim.tv_sec == before.st_ctim.tv_sec && after.st_ctim.tv_nsec == before.st_ctim.tv_nsec
        #expect(after.st_size == before.st_size && after.st_ino == before.st_ino)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)

        let (second, report) = try ImageFolder.load(folder.path, threads: 1, cache: cache)
        #expect(!report.fromCache)
        #expect(second.pixels.prefix(6).allSatisfy { $0 == 200 }, "stale pixels: \(Array(second.pixels.prefix(6)))")
    }
}
