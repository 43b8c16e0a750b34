import CStb
import Foundation
import MLPLab
import Testing

/// `GrayImage.resized` and stb_image_resize's 32-bit sizes (issue 23's audit). Debian's stb
/// resizes in one call with buffers sized in `int`: shrinking a tall image to a wide, short one
/// (1×8,192 → 65,536×1, 1×60,000 → 3,000×1) wrapped the ring buffer's size and wrote outside it
/// (a segfault or stb's assert), and an output of 2³¹ bytes wrapped the row offsets. Such sizes
/// are now made in two calls, or refused by name before stb runs.
struct GrayImageResizeTests {
    /// A 1-pixel-wide image whose pixels run 0…255 down its height.
    static func column(height: Int) -> GrayImage {
        GrayImage(width: 1, height: height, pixels: (0..<height).map { UInt8($0 * 256 / height) })
    }

    @Test("a tall column shrunk to a wide, short row: every output pixel is the column's mean, to rounding",
          arguments: [(8192, 65536), (4096, 65536), (2048, 65536), (60000, 3000), (1024, 65536)])
    func tallToWide(height: Int, width: Int) throws {
        let image = Self.column(height: height)
        let mean = Double(image.pixels.reduce(0) { $0 + Int($1) }) / Double(height)
        let resized = try image.resized(width: width, height: 1, path: "column.png")
        #expect(resized.width == width && resized.height == 1 && resized.pixels.count == width)
        let worst = resized.pixels.map { abs(Double($0) - mean) }.max() ?? 0
        #expect(worst <= 2, "\(height) → \(width)×1: an output pixel is \(worst) from the mean \(mean)")
    }

    @Test("a 300×50,000 image to 3,000×1 and back up: the sizes asked for, no wrap")
    func wideTallImages() throws {
        let image = GrayImage(width: 300, height: 50_000, pixels: [UInt8](repeating: 77, count: 300 * 50_000))
        let row = try image.resized(width: 3000, height: 1, path: "a.png")
        #expect(row.pixels.allSatisfy { $0 == 77 })
        let tall = try row.resized(width: 1, height: 60_000, path: "b.png")
        #expect(tall.pixels.count == 60_000 && tall.pixels.allSatisfy { $0 == 77 })
    }

    @Test("sizes no order of stb calls can make are refused before stb runs, naming the file and both sizes")
    func impossibleSizesAreRefused() throws {
        // An output of 2³¹ bytes or more (its row offsets wrap), and an input too wide for stb's
        // per-column coefficients (2.4 GB at 150,000,000 columns).
        #expect(GrayImage.resizeProblem(from: ImageSize(width: 1, height: 1), to: ImageSize(width: 65536, height: 32769)) != nil)
        #expect(GrayImage.resizeProblem(from: ImageSize(width: 150_000_000, height: 1), to: ImageSize(width: 28, height: 28)) != nil)
        #expect(GrayImage.resizeProblem(from: ImageSize(width: 1, height: 1), to: ImageSize(width: 65536, height: 32000)) == nil)
        #expect(GrayImage.resizeProblem(from: ImageSize(width: 1, height: 60_000), to: ImageSize(width: 3000, height: 1)) == nil)
        let pixel = GrayImage(width: 1, height: 1, pixels: [9])
        #expect(throws: DatasetError.self) { try pixel.resized(width: 65536, height: 32769, path: "one.png") }
        do {
            _ = try pixel.resized(width: 65536, height: 32769, path: "one.png")
        } catch let error as DatasetError {
            let message = "\(error)"
            #expect(message.contains("'one.png'") && message.contains("1×1 to 65536×32769") && !message.contains("\n"), "\(message)")
        }
        // A loaded data set (IDX, Fashion-MNIST) asked for such a size: refused within the byte limits.
        let dataset = Dataset(name: "one", classNames: ["a"], imageWidth: 1, imageHeight: 1, pixels: [9], labels: [0])
        #expect(throws: DatasetError.cannotResize(path: "one", from: ImageSize(width: 1, height: 1), to: ImageSize(width: 65536, height: 32769),
                                                  reason: "stb_image_resize's buffers for it would pass its 2 GB limit")) {
            try dataset.resized(to: ImageSize(width: 65536, height: 32769), threads: 1, maximumBytes: 8_000_000_000)
        }
    }

    @Test("sizes stb makes in one call resize as before: the pixels of one stbir_resize_uint8 call", arguments: [
        (28, 28, 60, 80), (60, 80, 14, 14), (7, 300, 50, 3), (1, 1024, 65536, 1), (640, 480, 60, 80),
    ])
    func ordinarySizesAreOneCall(width: Int, height: Int, newWidth: Int, newHeight: Int) throws {
        let image = GrayImage(width: width, height: height, pixels: (0..<(width * height)).map { UInt8(($0 * 37 + $0 / 7) % 256) })
        var expected = [UInt8](repeating: 0, count: newWidth * newHeight)
        let done = stbir_resize_uint8(image.pixels, Int32(width), Int32(height), 0, &expected, Int32(newWidth), Int32(newHeight), 0, 1)
        #expect(done == 1)
        #expect(try image.resized(width: newWidth, height: newHeight, path: "a").pixels == expected)
        #expect(try image.resized(width: width, height: height, path: "b") == image)
    }

    @Test("an image folder with --resize: a tall PGM becomes a wide row; images that cannot be resized are named, the first with the count of the others")
    func imageFolderResize() throws {
        let folder = try FolderBuilder()
        defer { try? FileManager.default.removeItem(at: folder.root) }
        let tall = Data("P5\n1 60000\n255\n".utf8) + Data(Self.column(height: 60000).pixels)
        try folder.write("a/tall.pgm", tall)
        try folder.write("a/small.png", FolderBuilder.image(width: 2, height: 2, seed: 1))
        try folder.write("b/small.png", FolderBuilder.image(width: 2, height: 2, seed: 2))
        var options = ImageFolderOptions()
        options.resize = ImageSize(width: 3000, height: 1)
        let (dataset, _) = try ImageFolder.load(folder.path, options: options, threads: 2)
        #expect(dataset.count == 3 && dataset.imageWidth == 3000 && dataset.imageHeight == 1)

        // 65,536×32,769 is past stb's 2 GB in any order of calls, from any size.
        options.resize = ImageSize(width: 65536, height: 32769)
        options.maximumDecodedBytes = .max
        #expect(throws: DatasetError.self) { try ImageFolder.load(folder.path, options: options, threads: 2) }
        do {
            _ = try ImageFolder.load(folder.path, options: options, threads: 2)
        } catch {
            #expect("\(error)".contains("cannot resize '\(folder.path)/a/small.png' from 2×2 to 65536×32769") && "\(error)".contains("(2 more files like it.)"),
                    "\(error)")
        }
    }
}
