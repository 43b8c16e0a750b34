import Foundation
import MLPLab
import Testing

struct IDXFileTests {
    @Test("reads a plain and a gzipped file with the same content", arguments: [false, true])
    func readsPlainAndGzipped(gzip: Bool) throws {
        let directory = try TestSupport.temporaryDirectory()
        let payload = (0..<24).map { UInt8($0) }
        let path = try IDXFixture.write(IDXFixture.bytes(dimensions: [2, 3, 4], payload: payload),
                                        to: directory.appendingPathComponent("images"), gzip: gzip)
        let file = try IDXFile(path: path, expectedDimensionCount: 3)
        #expect(file.dimensions == [2, 3, 4])
        #expect(file.bytes == payload)
    }

    @Test("a truncated file names the bytes it misses", arguments: [false, true])
    func truncatedFileIsRejected(gzip: Bool) throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try IDXFixture.write(IDXFixture.bytes(dimensions: [2, 3, 4], payload: Array(repeating: 7, count: 20)),
                                        to: directory.appendingPathComponent("images"), gzip: gzip)
        #expect(throws: DatasetError.truncated(path: path, expected: 24, actual: 20)) {
            try IDXFile(path: path, expectedDimensionCount: 3)
        }
    }

    @Test("a gzip stream cut in the middle is an error, not a short read")
    func cutGzipStreamIsRejected() throws {
        let directory = try TestSupport.temporaryDirectory()
        let payload = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        let path = try IDXFixture.write(IDXFixture.bytes(dimensions: [5, 10, 100], payload: payload),
                                        to: directory.appendingPathComponent("images"), gzip: true)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(throws: DatasetError.self) { try IDXFile(path: path, expectedDimensionCount: 3) }
    }

    @Test("extra bytes after the payload are rejected")
    func trailingDataIsRejected() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try IDXFixture.write(IDXFixture.bytes(magic: [0, 0, 8, 1], dimensions: [3], payload: [1, 2, 3, 4]),
                                        to: directory.appendingPathComponent("labels"))
        #expect(throws: DatasetError.trailingData(path: path, expected: 3)) { try IDXFile(path: path, expectedDimensionCount: 1) }
    }

    @Test("a wrong magic number is rejected with the number found")
    func wrongMagicIsRejected() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try IDXFixture.write(IDXFixture.bytes(magic: [0x89, 0x50, 0x4E, 0x47], dimensions: [1], payload: [0]),
                                        to: directory.appendingPathComponent("png"))
        #expect(throws: DatasetError.badMagic(path: path, magic: 0x8950_4E47, expected: nil)) { try IDXFile(path: path) }
        // Labels (1 dimension) where images (3) are expected.
        let labels = try IDXFixture.write(IDXFixture.bytes(magic: [0, 0, 8, 1], dimensions: [2], payload: [0, 1]),
                                          to: directory.appendingPathComponent("labels"))
        #expect(throws: DatasetError.badMagic(path: labels, magic: 2049, expected: 2051)) { try IDXFile(path: labels, expectedDimensionCount: 3) }
    }

    @Test("a header claiming more than the limit is rejected before allocating")
    func hugeDimensionsAreRejected() throws {
        let directory = try TestSupport.temporaryDirectory()
        let path = try IDXFixture.write(IDXFixture.bytes(dimensions: [0x7FFF_FFFF, 0x7FFF_FFFF, 2], payload: []),
                                        to: directory.appendingPathComponent("huge"))
        #expect(throws: DatasetError.self) { try IDXFile(path: path, expectedDimensionCount: 3) }
    }

    @Test("a missing file names the path")
    func missingFileIsRejected() {
        #expect(throws: DatasetError.unreadable(path: "/nonexistent/x", reason: "no such file")) {
            try IDXFile(path: "/nonexistent/x")
        }
    }

    @Test("image and label counts must agree")
    func countMismatchIsRejected() throws {
        let directory = try TestSupport.temporaryDirectory()
        let images = try IDXFixture.write(IDXFixture.bytes(dimensions: [2, 2, 2], payload: Array(repeating: 0, count: 8)),
                                          to: directory.appendingPathComponent("images"))
        let labels = try IDXFixture.write(IDXFixture.bytes(magic: [0, 0, 8, 1], dimensions: [3], payload: [0, 1, 2]),
                                          to: directory.appendingPathComponent("labels"))
        #expect(throws: DatasetError.countMismatch(images: images, imageCount: 2, labels: labels, labelCount: 3)) {
            try IDXDataset.load(images: images, labels: labels)
        }
    }

    @Test("a file of 0 images, or of images whose width × height overflows, is refused by name (issue 23's audit: a trap later)",
          arguments: [(0, 28, 28), (0, 0xFFFF_FFFF, 0xFFFF_FFFF), (1, 0x7FFF_FFFF, 0x7FFF_FFFF), (0, 1 << 21, 1 << 20)])
    func emptyOrHugeImagesAreRefused(count: Int, height: Int, width: Int) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = try IDXFixture.write(IDXFixture.bytes(dimensions: [count, height, width], payload: []),
                                          to: directory.appendingPathComponent("images"))
        let labels = try IDXFixture.write(IDXFixture.bytes(magic: [0, 0, 8, 1], dimensions: [count], payload: Array(repeating: 0, count: count)),
                                          to: directory.appendingPathComponent("labels"))
        do {
            _ = try IDXDataset.load(images: images, labels: labels)
            Issue.record("\(count) images of \(width)×\(height) were loaded")
        } catch let error as DatasetError {
            guard case .badDimensions(images, _) = error else {
                // A count of 1 with huge images is refused earlier, by the file's own size.
                #expect(count == 1, "\(error)")
                return
            }
        }
    }

    @Test("the real Fashion-MNIST loads with its official sizes", .enabled(if: TestSupport.fashionMNISTAvailable))
    func realFashionMNISTLoads() throws {
        let dataset = try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(nil))
        #expect(dataset.count == 70_000)
        #expect(dataset.imageWidth == 28 && dataset.imageHeight == 28)
        #expect(dataset.officialTestRange == 60_000..<70_000)
        // Zalando's data is balanced: 6,000 train and 1,000 test images per class.
        #expect(dataset.classCounts(of: 0..<60_000) == Array(repeating: 6000, count: 10))
        #expect(dataset.classCounts(of: 60_000..<70_000) == Array(repeating: 1000, count: 10))
        // The first training image is an ankle boot (label 9), the first test image too.
        #expect(dataset.labels[0] == 9 && dataset.labels[60_000] == 9)
    }
}

struct IDXFuzzRegressionTests {
    /// Found by fuzz/FuzzIDX: a few bytes whose header claims gigabytes made the reader allocate
    /// them up front (out of memory). Now a claim past `IDXFile.maximumBytes` is refused from the
    /// header alone, and a smaller one reads the bytes that are there and reports the truncation.
    @Test("a tiny file claiming gigabytes is refused without allocating them")
    func hugeClaimInTinyFile() throws {
        let url = try #require(Bundle.module.url(forResource: "idx-huge-claim", withExtension: nil, subdirectory: "Fixtures/fuzz"))
        // 51400 × 256 × 200 bytes claimed, 2.6 GB: more than the limit, refused before any payload is read.
        do {
            _ = try IDXFile(path: url.path)
            Issue.record("a header claiming 2.6 GB was accepted")
        } catch let error as DatasetError {
            if case let .badDimensions(path, reason) = error {
                #expect(path == url.path)
                #expect(reason.contains("51400×256×200") && reason.contains("\(IDXFile.maximumBytes)"), "\(reason)")
                #expect("\(error)".contains("'\(url.path)'") && "\(error)".contains("Check that you gave the right file"), "\(error)")
            } else {
                Issue.record("expected badDimensions naming the claimed sizes, got \(error)")
            }
        }
        // The same 25 bytes with the last dimension 1: 51400 × 256 bytes claimed (13 MB, under the
        // limit), 9 there. The reader takes the 9 and names the shortfall.
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes.replaceSubrange(12..<16, with: [0, 0, 0, 1])
        let smaller = try IDXFixture.write(bytes, to: try TestSupport.temporaryDirectory().appendingPathComponent("idx-claim"))
        #expect(throws: DatasetError.truncated(path: smaller, expected: 51400 * 256, actual: 9)) { try IDXFile(path: smaller) }
        do { _ = try IDXFile(path: smaller) } catch {
            #expect("\(error)".contains("'\(smaller)'") && "\(error)".contains("Download or copy it again"), "\(error)")
        }
    }
}
