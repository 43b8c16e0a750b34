import Foundation
import MLPLab
import Testing

/// The decoders behind `GrayImage.decode`, beyond matching Pillow's pixels (that is
/// `ImageFolderTests.grayConversionMatchesPillow`): what they refuse, and that they refuse it
/// cleanly.
struct ImageDecoderTests {
    static func fixtures(_ format: String? = nil) throws -> [ImageFolderTests.PillowFixture] {
        try ImageFolderTests.pillowFixtures().images.filter { format == nil || $0.format == format }
    }

    @Test(".tif, .tiff and .webp files are images in a folder, as in torchvision")
    func tiffAndWebPAreReadInFolders() throws {
        let folder = try FolderBuilder.good()
        let tiff = try #require(try Self.fixtures("TIFF").first { $0.mode == "RGB lzw" })
        let webp = try #require(try Self.fixtures("WEBP").first { $0.mode == "RGB lossy" })
        try folder.write("ant/photo.tif", try #require(Data(base64Encoded: tiff.file_base64)))
        try folder.write("bee/photo.TIFF", try #require(Data(base64Encoded: tiff.file_base64)))
        try folder.write("cat/photo.webp", try #require(Data(base64Encoded: webp.file_base64)))
        var options = ImageFolderOptions()
        options.resize = ImageSize(width: 6, height: 4)
        let (dataset, report) = try ImageFolder.load(folder.path, options: options, threads: 2)
        #expect(dataset.count == 9)
        #expect(report.ignoredCount == 0 && report.skipped.isEmpty)
    }

    @Test("every format refuses a header larger than the pixel limit (before decoding)")
    func everyFormatChecksThePixelLimit() throws {
        for fixture in try Self.fixtures() where fixture.pillow_error == nil {
            let data = try #require(Data(base64Encoded: fixture.file_base64))
            let pixels = (fixture.width ?? 0) * (fixture.height ?? 0)
            #expect(throws: DatasetError.imageTooLarge(path: fixture.name, width: fixture.width ?? 0, height: fixture.height ?? 0, limit: pixels - 1),
                    "\(fixture.name)") {
                try GrayImage.decode(data, path: fixture.name, maximumPixels: pixels - 1)
            }
        }
    }

    @Test("a JPEG that ends inside its scan data, or lacks its end marker, is refused as truncated")
    func truncatedJPEGIsNamedTruncated() throws {
        for fixture in try Self.fixtures("JPEG") where fixture.pillow_error != nil {
            let data = try #require(Data(base64Encoded: fixture.file_base64))
            do {
                _ = try GrayImage.decode(data, path: "cut.jpg")
                Issue.record("\(fixture.name) was accepted")
            } catch {
                #expect("\(error)".contains("truncated"), "\(fixture.name): \(error)")
            }
        }
    }

    @Test("cut and damaged files of every format are refused with a DatasetError or decode to a consistent image, never crash")
    func damagedFilesNeverCrash() throws {
        var generator = RandomGenerator(seed: 14, stream: .samples)
        for fixture in try Self.fixtures() {
            let original = [UInt8](try #require(Data(base64Encoded: fixture.file_base64)))
            var variants: [[UInt8]] = stride(from: 1, to: original.count, by: max(1, original.count / 23)).map { Array(original.prefix($0)) }
            for _ in 0..<40 {
                var damaged = original
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let at = Int(generator.next() % UInt64(damaged.count))
                    damaged[at] = UInt8(truncatingIfNeeded: generator.next())
                }
                variants.append(damaged)
            }
            for bytes in variants {
                do {
                    let image = try GrayImage.decode(bytes, path: "damaged", maximumPixels: 1 << 20)
                    #expect(image.pixels.count == image.width * image.height)
                } catch is DatasetError {
                } catch {
                    Issue.record("\(fixture.name): not a DatasetError: \(error)")
                }
            }
        }
    }

    @Test("PGM/PPM errors name what is wrong: a sample above the maximum, a bad maximum, PFM")
    func pnmErrorsSayWhy() throws {
        func message(_ text: String) -> String {
            do { _ = try GrayImage.decode(Array(text.utf8), path: "x.pgm"); return "accepted" } catch { return "\(error)" }
        }
        #expect(message("P2\n2 1\n10\n5 11\n").contains("outside 0…10"))
        #expect(message("P5\n2 1\n0\n\u{1}\u{1}").contains("maximum value 0"))
        #expect(message("P5\n2 1\n70000\n").contains("maximum value 70000"))
        #expect(message("Pf\n2 1\n-1.0\n").contains("P1 to P6"))
        #expect(message("P3\n1 1\n255\n1 2\n").contains("truncated"))
        // A comment between two digits joins them, as in Pillow's plain decoder: 1#x\n2 is 12.
        let joined = try GrayImage.decode(Array("P2\n1 1\n255\n1#x\n2\n".utf8), path: "x.pgm")
        #expect(joined.pixels == [12])
    }

    @Test("16-bit BMP with masks Pillow does not read is refused, naming the masks")
    func unsupportedBMPMasksAreRefused() throws {
        let fixture = try #require(try Self.fixtures("BMP").first { $0.mode == "16-bit 4-4-4" })
        do {
            _ = try GrayImage.decode(try #require(Data(base64Encoded: fixture.file_base64)), path: "x.bmp")
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("0xf00, 0xf0, 0xf"), "\(error)")
        }
    }
}
