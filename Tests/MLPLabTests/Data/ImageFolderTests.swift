import Foundation
import MLPLab
import Testing

struct ImageFolderTests {
    @Test("classes are the sub-folders in sorted order; hidden entries and non-images are skipped")
    func classesAreSortedAndHiddenSkipped() throws {
        let folder = try FolderBuilder.good()
        try folder.write(".hidden/0.png", FolderBuilder.image())
        try folder.write("ant/.DS_Store.png", FolderBuilder.image())
        try folder.write("ant/notes.txt", Data("hello".utf8))
        try folder.write("bee/nested/2.PNG", FolderBuilder.image(seed: 9))
        let (names, files, ignored) = try ImageFolder.scan(folder.path)
        #expect(names == ["ant", "bee", "cat"])
        #expect(files.map(\.relativePath) == ["ant/0.png", "ant/1.png", "bee/0.png", "bee/1.png", "bee/nested/2.PNG", "cat/0.png", "cat/1.png"])
        #expect(files.map(\.label) == [0, 0, 1, 1, 1, 2, 2])
        #expect(ignored == ["ant/notes.txt"])
    }

    @Test("decoded images keep their bytes, labels follow the folders")
    func loadsBytesAndLabels() throws {
        let folder = try FolderBuilder.good()
        let (dataset, report) = try ImageFolder.load(folder.path, threads: 2)
        #expect(dataset.count == 6 && dataset.imageWidth == 6 && dataset.imageHeight == 4)
        #expect(dataset.labels == [0, 0, 1, 1, 2, 2])
        // ant/0.png was written with seed 2 (ant is the second name written, index 1 → seeds 2, 3).
        let expected = (0..<24).map { UInt8(truncatingIfNeeded: $0 * 37 + 2 * 11) }
        #expect(Array(dataset.pixels[0..<24]) == expected)
        #expect(report.skipped.isEmpty && !report.fromCache)
    }

    /// One image of pillow-gray.json (written by scripts/make-pillow-fixture.py with Pillow).
    struct PillowFixture: Decodable {
        var mode: String
        var format: String
        var note: String
        var file_base64: String
        var width: Int?
        var height: Int?
        var gray_base64: String?
        /// What Pillow raised instead of opening the file: MLPLab must refuse it too.
        var pillow_error: String?
        var name: String { "\(format) \(mode)\(note.isEmpty ? "" : " (\(note))")" }
    }

    static func pillowFixtures() throws -> (version: String, images: [PillowFixture]) {
        struct File: Decodable { var pillow_version: String; var images: [PillowFixture] }
        let url = try #require(Bundle.module.url(forResource: "pillow-gray", withExtension: "json", subdirectory: "Fixtures"))
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        return (file.pillow_version, file.images)
    }

    @Test("every format and mode decodes to the gray bytes of Pillow's convert('L'), bit for bit")
    func grayConversionMatchesPillow() throws {
        let (version, images) = try Self.pillowFixtures()
        #expect(version.hasPrefix("13."))
        // Every format, and the modes issue 14 found wrong, are in the fixture.
        let formats = Set(images.map(\.format))
        #expect(formats == ["PNG", "BMP", "TGA", "PGM", "PPM", "PBM", "GIF", "JPEG", "WEBP", "TIFF"])
        for required in ["PNG I;16", "BMP BGR;16 (565)", "PGM L maxval 100", "GIF P+transparency", "JPEG RGB 4:2:0", "JPEG CMYK",
                         "JPEG RGB progressive", "WEBP RGBA lossless", "TIFF RGB;16", "PGM L (P2)", "PPM RGB (P3)"] {
            #expect(images.contains { "\($0.format) \($0.mode)" == required }, "fixture lacks \(required)")
        }
        for fixture in images {
            let data = try #require(Data(base64Encoded: fixture.file_base64))
            if let pillowError = fixture.pillow_error {
                #expect(throws: DatasetError.self, "\(fixture.name): Pillow refuses it (\(pillowError)), so must MLPLab") {
                    try GrayImage.decode(data, path: fixture.name)
                }
                continue
            }
            let image: GrayImage
            do {
                image = try GrayImage.decode(data, path: fixture.name)
            } catch {
                Issue.record("\(fixture.name): Pillow reads it, MLPLab refuses it: \(error)")
                continue
            }
            let expected = [UInt8](try #require(Data(base64Encoded: fixture.gray_base64 ?? "")))
            #expect(image.width == fixture.width && image.height == fixture.height,
                    "\(fixture.name): \(image.width)×\(image.height), Pillow \(fixture.width ?? 0)×\(fixture.height ?? 0)")
            #expect(GrayImage.dimensions(of: [UInt8](data)) == ImageSize(width: image.width, height: image.height),
                    "\(fixture.name): the header-only size differs from the decoded one")
            guard image.pixels.count == expected.count else { continue }
            let differences = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }
            let differing = differences.filter { $0 != 0 }.count
            #expect(differing == 0, "\(fixture.name): \(differing) of \(expected.count) pixels differ from Pillow, by up to \(differences.max() ?? 0)")
        }
    }

    @Test("Pillow's luma formula on the corners of the color cube")
    func lumaFormula() {
        #expect(GrayImage.luma(red: 255, green: 255, blue: 255) == 255)
        #expect(GrayImage.luma(red: 255, green: 0, blue: 0) == 76)   // (19595·255 + 32768) >> 16
        #expect(GrayImage.luma(red: 0, green: 255, blue: 0) == 150)
        #expect(GrayImage.luma(red: 0, green: 0, blue: 255) == 29)
    }

    // MARK: bad input: each case names the file and the fix

    static func loadError(_ folder: FolderBuilder, options: ImageFolderOptions = ImageFolderOptions()) -> String? {
        do {
            _ = try ImageFolder.load(folder.path, options: options, threads: 2)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("a corrupt or truncated image, an empty file and a text file named .jpg are named", arguments: [
        ("truncated.png", "png-cut"), ("truncated.jpg", "jpeg-cut"), ("empty.jpg", "empty"), ("text.jpg", "text"),
        ("garbage.png", "garbage"),
    ])
    func badImageIsNamed(file: String, kind: String) throws {
        let folder = try FolderBuilder.good("badImage-\(kind)")
        let png = FolderBuilder.image(width: 60, height: 80, seed: 1)
        // Big enough that the cut falls in the scan data, not the headers.
        let jpeg = FolderBuilder.image(width: 60, height: 80, seed: 1, jpeg: true)
        let bytes: Data = switch kind {
        case "png-cut": png.prefix(png.count / 2)
        case "jpeg-cut": jpeg.prefix(jpeg.count * 7 / 10)
        case "empty": Data()
        case "text": Data("this is not an image\n".utf8)
        default: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<200).map { UInt8($0) })
        }
        try folder.write("cat/\(file)", bytes)
        let message = try #require(Self.loadError(folder), "\(kind) was accepted")
        #expect(message.contains("cat/\(file)"), "\(message)")
        #expect(message.contains("data.image_folder.skip_unreadable"), "\(message)")
    }

    @Test("with --skip-unreadable bad files are skipped and reported")
    func skipUnreadableReportsSkippedFiles() throws {
        let folder = try FolderBuilder.good()
        try folder.write("cat/broken.jpg", Data("nope".utf8))
        try folder.write("ant/empty.png", Data())
        var options = ImageFolderOptions()
        options.skipUnreadable = true
        let (dataset, report) = try ImageFolder.load(folder.path, options: options, threads: 2)
        #expect(dataset.count == 6)
        #expect(report.skipped.map(\.path) == ["ant/empty.png", "cat/broken.jpg"])
        // The reason alone (the path is beside it), without the advice to skip unreadable files.
        #expect(!report.skipped[1].reason.isEmpty && !report.skipped[1].reason.contains("skip_unreadable"), "\(report.skipped)")
    }

    @Test("a class whose every image was skipped says so, with how many and why, not that the folder has no images")
    func classWithEveryImageSkippedSaysSo() throws {
        let folder = try FolderBuilder.good()
        try folder.write("dog/broken.png", Data([0x89, 0x50, 0x4E, 0x47, 1, 2]))
        try folder.write("dog/empty.jpg", Data())
        var options = ImageFolderOptions()
        options.skipUnreadable = true
        #expect(throws: DatasetError.self) { _ = try ImageFolder.load(folder.path, options: options, threads: 1) }
        do { _ = try ImageFolder.load(folder.path, options: options, threads: 1) } catch let error as DatasetError {
            guard case let .classAllSkipped(path, count, example, _) = error else { Issue.record("\(error)"); return }
            #expect(path == folder.path + "/dog" && count == 2 && example == "dog/broken.png", "\(error)")
            #expect("\(error)".contains("every image of class folder") && !"\(error)".contains("has no images"), "\(error)")
        }
        // A folder with no image files at all is still the empty class.
        try FileManager.default.removeItem(atPath: folder.path + "/dog/broken.png")
        try FileManager.default.removeItem(atPath: folder.path + "/dog/empty.jpg")
        #expect(throws: DatasetError.emptyClass(path: folder.path + "/dog")) { _ = try ImageFolder.load(folder.path, options: options, threads: 1) }
    }

    @Test("images of another size: the error lists the sizes with examples and suggests data.image_folder.resize")
    func mixedSizesAreListed() throws {
        let folder = try FolderBuilder.good()
        try folder.write("bee/big.png", FolderBuilder.image(width: 8, height: 8))
        let message = try #require(Self.loadError(folder))
        #expect(message.contains("6×4 (6 files"), "\(message)")
        #expect(message.contains("8×8 (1 file, e.g. bee/big.png)"), "\(message)")
        #expect(message.contains("data.image_folder.resize 6x4"), "\(message)")
        var options = ImageFolderOptions()
        options.resize = ImageSize(width: 5, height: 5)
        let (dataset, _) = try ImageFolder.load(folder.path, options: options, threads: 1)
        #expect(dataset.imageWidth == 5 && dataset.imageHeight == 5 && dataset.count == 7)
    }

    @Test("an image claiming huge dimensions is refused from its header, before decoding")
    func hugeDimensionsAreRefused() throws {
        let folder = try FolderBuilder.good()
        // A binary PGM header for 100000 × 100000 pixels with 10 bytes of data.
        try folder.write("ant/huge.pgm", Data("P5\n100000 100000\n255\n".utf8) + Data(count: 10))
        let message = try #require(Self.loadError(folder))
        #expect(message.contains("ant/huge.pgm' claims 100000×100000 pixels"), "\(message)")
        #expect(message.contains("data.image_folder.maximum_pixels"))
    }

    @Test("too many files, or images that would decode to too many bytes, are refused before decoding, naming the option")
    func folderLimitsAreChecked() throws {
        let folder = try FolderBuilder.good()  // 6 images of 6×4 = 144 bytes decoded
        var options = ImageFolderOptions()
        options.maximumFiles = 5
        let files = try #require(Self.loadError(folder, options: options))
        #expect(files.contains("holds more image files than the limit of 5 (6 counted") && files.contains("data.image_folder.maximum_files"), "\(files)")
        options = ImageFolderOptions()
        options.maximumDecodedBytes = 143
        let bytes = try #require(Self.loadError(folder, options: options))
        #expect(bytes.contains("would decode to 144 bytes (6 images of 6×4), more than the limit of 143 bytes") && bytes.contains("data.image_folder.maximum_decoded_bytes")
                && bytes.contains("data.image_folder.resize"), "\(bytes)")
        options.maximumDecodedBytes = 144
        #expect(Self.loadError(folder, options: options) == nil)
        options.resize = ImageSize(width: 3, height: 2)
        options.maximumDecodedBytes = 36
        #expect(Self.loadError(folder, options: options) == nil, "--resize's size is what counts")
        // Options written before the limits existed read with the defaults.
        let old = Data(#"{"skip_unreadable":true,"maximum_pixels":100}"#.utf8)
        let decoded = try JSONCoding.decode(ImageFolderOptions.self, from: old)
        #expect(decoded.skipUnreadable && decoded.maximumPixels == 100 && decoded.maximumDecodedBytes == ImageFolderOptions().maximumDecodedBytes)
    }

    @Test("an empty class folder is named")
    func emptyClassIsNamed() throws {
        let folder = try FolderBuilder.good()
        try FileManager.default.createDirectory(atPath: folder.path + "/dog", withIntermediateDirectories: true)
        let message = try #require(Self.loadError(folder))
        #expect(message.contains("class folder '\(folder.path)/dog' has no images"), "\(message)")
    }

    @Test("a folder without class folders says how to lay it out")
    func noClassFoldersIsExplained() throws {
        let folder = try FolderBuilder()
        try folder.write("loose.png", FolderBuilder.image())
        let message = try #require(Self.loadError(folder))
        #expect(message.contains("has no class folders"), "\(message)")
    }

    @Test("a symbolic link loop is refused, not followed forever")
    func symlinkLoopIsRefused() throws {
        let folder = try FolderBuilder.good()
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/cat/again", withDestinationPath: "..")
        let message = try #require(Self.loadError(folder))
        #expect(message.contains("loop"), "\(message)")
        #expect(message.contains("cat/again"), "\(message)")
    }

    @Test("an unreadable entry (a dangling link, a pipe) is named")
    func unreadableEntryIsNamed() throws {
        let folder = try FolderBuilder.good()
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/cat/gone.png", withDestinationPath: "/nonexistent/x.png")
        let dangling = try #require(Self.loadError(folder))
        #expect(dangling.contains("cat/gone.png"), "\(dangling)")
        try FileManager.default.removeItem(atPath: folder.path + "/cat/gone.png")
        #expect(mkfifo(folder.path + "/cat/pipe.png", 0o644) == 0)
        let pipe = try #require(Self.loadError(folder))
        #expect(pipe.contains("cat/pipe.png") && pipe.contains("not a regular file"), "\(pipe)")
    }

    @Test("a file name that is not UTF-8 is named with its bytes escaped")
    func nonUTF8NameIsNamed() throws {
        let folder = try FolderBuilder.good()
        var path = Array((folder.path + "/cat/").utf8).map { CChar(bitPattern: $0) }
        path += [CChar(bitPattern: 0xFF), CChar(bitPattern: 0x41)] + Array(".png".utf8).map { CChar(bitPattern: $0) } + [0]
        let descriptor = open(path, O_CREAT | O_WRONLY, 0o644)
        #expect(descriptor >= 0)
        close(descriptor)
        let message = try #require(Self.loadError(folder))
        #expect(message.contains("not valid UTF-8") && message.contains("\\xffA"), "\(message)")
    }

    // MARK: cache

    @Test("a second load comes from the cache with the same bytes; a changed file is noticed")
    func cacheReloadsAndInvalidates() throws {
        let folder = try FolderBuilder.good()
        let cache = DatasetCache(directory: try TestSupport.temporaryDirectory("cache").path)
        let (first, firstReport) = try ImageFolder.load(folder.path, threads: 2, cache: cache)
        let (second, secondReport) = try ImageFolder.load(folder.path, threads: 2, cache: cache)
        #expect(!firstReport.fromCache && secondReport.fromCache)
        #expect(first.pixels == second.pixels && first.labels == second.labels && first.classNames == second.classNames)
        // Replace one image (new size and time): the cache must not be used.
        try folder.write("ant/0.png", FolderBuilder.image(seed: 42))
        let (third, thirdReport) = try ImageFolder.load(folder.path, threads: 2, cache: cache)
        #expect(!thirdReport.fromCache)
        #expect(third.pixels != first.pixels)
    }

    @Test("a damaged cache entry is ignored and rebuilt, never trusted")
    func damagedCacheIsIgnored() throws {
        let folder = try FolderBuilder.good()
        let directory = try TestSupport.temporaryDirectory("cache")
        let cache = DatasetCache(directory: directory.path)
        let (first, _) = try ImageFolder.load(folder.path, threads: 1, cache: cache)
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(entries.count == 1 && entries[0].hasSuffix(".imagefolder"))
        let entry = directory.appendingPathComponent(entries[0])
        let whole = try Data(contentsOf: entry)
        try whole.prefix(whole.count - 7).write(to: entry)  // truncated
        let (second, report) = try ImageFolder.load(folder.path, threads: 1, cache: cache)
        #expect(!report.fromCache && second.pixels == first.pixels)
    }

    @Test("a failed load leaves no cache entry behind")
    func failedLoadWritesNoCache() throws {
        let folder = try FolderBuilder.good()
        try folder.write("cat/bad.jpg", Data("x".utf8))
        let directory = try TestSupport.temporaryDirectory("cache")
        #expect(throws: DatasetError.self) { try ImageFolder.load(folder.path, threads: 1, cache: DatasetCache(directory: directory.path)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
