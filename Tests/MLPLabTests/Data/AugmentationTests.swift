import Foundation
import MLPLab
import Testing

/// Batch augmentation: what it reads, and what it does to each gathered image.
struct AugmentationTests {
    @Test("flip, shift:N and both read back as written; anything else is refused")
    func parsing() throws {
        for text in ["flip", "shift:2", "flip,shift:2"] { #expect(Augmentation(parsing: text)?.text == text) }
        #expect(Augmentation(parsing: "shift:3,flip") == Augmentation(flip: true, shift: 3))
        for text in ["", "rotate", "shift:0", "shift:-1", "shift:x", "flip,flip", "shift:1,shift:2", "flip,"] {
            #expect(Augmentation(parsing: text) == nil, "'\(text)'")
        }
        #expect(throws: ConfigurationError.self) { try Augmentation(shift: Augmentation.maximumShift + 1).validate() }
        #expect(throws: ConfigurationError.self) { try Augmentation().validate() }
    }

    /// 64 copies of one 5 × 4 image with distinct pixels, gathered as a training batch would be.
    static func gathered(_ augmentation: Augmentation?, step: Int = 0) -> [[Float]] {
        let (width, height) = (5, 4)
        let image = (0..<(width * height)).map { UInt8(10 + $0) }
        let dataset = Dataset(name: "t", classNames: ["a"], imageWidth: width, imageHeight: height,
                              pixels: Array((0..<64).map { _ in image }.joined()), labels: [Int32](repeating: 0, count: 64))
        let buffer = FloatBuffer(count: 64 * width * height)
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
        defer { labels.deallocate() }
        BatchLoader.gather(ArraySlice(0..<64), from: dataset, scaling: .raw, into: Matrix(buffer.base, rows: 64, columns: width * height),
                           labels: labels, augmentation: augmentation, seed: 1, step: step)
        return (0..<64).map { Array(buffer.array[($0 * 20)..<(($0 + 1) * 20)]) }
    }

    /// The image shifted by (dx, dy), flipped first when `flip`, the border 0: the reference.
    static func expected(flip: Bool, dx: Int, dy: Int) -> [Float] {
        (0..<20).map { i in
            let (x, y) = (i % 5, i / 5)
            let (sx, sy) = (x - dx, y - dy)
            guard sx >= 0, sx < 5, sy >= 0, sy < 4 else { return 0 }
            return Float(10 + sy * 5 + (flip ? 4 - sx : sx))
        }
    }

    @Test("each image comes out as one of the flips and shifts the augmentation allows, and the batch holds several")
    func imagesAreFlippedAndShifted() {
        #expect(Self.gathered(nil).allSatisfy { $0 == Self.expected(flip: false, dx: 0, dy: 0) }, "no augmentation, no change")
        let flips = Self.gathered(Augmentation(flip: true))
        let kinds = flips.map { $0 == Self.expected(flip: true, dx: 0, dy: 0) ? 1 : $0 == Self.expected(flip: false, dx: 0, dy: 0) ? 0 : -1 }
        #expect(!kinds.contains(-1) && kinds.contains(0) && kinds.contains(1), "\(kinds)")
        let both = Self.gathered(Augmentation(flip: true, shift: 1))
        var seen = Set<String>()
        for image in both {
            let match = [false, true].flatMap { flip in (-1...1).flatMap { dx in (-1...1).map { dy in (flip, dx, dy) } } }
                .first { Self.expected(flip: $0.0, dx: $0.1, dy: $0.2) == image }
            #expect(match != nil, "\(image) is no allowed flip and shift")
            if let match { seen.insert("\(match)") }
        }
        #expect(seen.count >= 9, "only \(seen.count) of 18 flips and shifts in 64 images")
        // A function of seed, step and row: the same step again, the same images; another, others.
        #expect(Self.gathered(Augmentation(flip: true, shift: 1)) == both)
        #expect(Self.gathered(Augmentation(flip: true, shift: 1), step: 1) != both)
    }
}
