import Foundation
import MLPLab
import Testing

/// `--resize` on a loaded data set (IDX, Fashion-MNIST) is bounded as an image folder is
/// (adversarial finding 1: `--resize 65536x65536` ended in the allocator).
struct DatasetResizeTests {
    static let dataset = Dataset(name: "four", classNames: ["a", "b"], imageWidth: 2, imageHeight: 2,
                                 pixels: [0, 50, 100, 150, 200, 250, 30, 60], labels: [0, 1])

    @Test("a resize past the decoded-bytes limit is refused before allocating, naming both settings")
    func resizePastTheLimitIsRefused() throws {
        #expect(throws: DatasetError.resizeTooLarge(source: "four", images: 2, width: 65536, height: 65536,
                                                     limit: 8_000_000_000, byMemory: false)) {
            try Self.dataset.resized(to: ImageSize(width: 65536, height: 65536), threads: 1, maximumBytes: 8_000_000_000)
        }
        let message = "\(DatasetError.resizeTooLarge(source: "four", images: 2, width: 65536, height: 65536, limit: 8e9, byMemory: false))"
        #expect(message.contains("data.image_folder.resize 65536x65536") && message.contains("data.image_folder.maximum_decoded_bytes"), "\(message)")
        // Exactly at the limit is allowed.
        let fits = try Self.dataset.resized(to: ImageSize(width: 3, height: 3), threads: 1, maximumBytes: 18)
        #expect(fits.imageWidth == 3 && fits.pixels.count == 18)
        #expect(throws: DatasetError.self) { try Self.dataset.resized(to: ImageSize(width: 3, height: 3), threads: 1, maximumBytes: 17) }
    }

    @Test("a raised limit is still bounded by the machine's memory, not only by the option")
    func resizePastMemoryIsRefused() throws {
        #expect(throws: DatasetError.resizeTooLarge(source: "four", images: 2, width: 1000, height: 1000, limit: 1e6, byMemory: true)) {
            try Self.dataset.resized(to: ImageSize(width: 1000, height: 1000), threads: 1, maximumBytes: .max, availableMemory: 1e6)
        }
    }
}
