/// Random changes to each training image as its batch is gathered: a horizontal flip
/// (`RandomHorizontalFlip`) and a shift of up to `shift` pixels each way, the uncovered border
/// zero (`RandomCrop(size, padding=shift)`). Each image's choice is a hash of the seed, the step and
/// its place in the batch (``CounterHash``), so a run repeats, a resume continues exactly, and no
/// second copy of the data is made. Evaluation and prediction see the images as they are.
public struct Augmentation: Codable, Equatable, Sendable {
    /// Flip each image left to right with probability ½.
    public var flip = false
    /// Shift each image by −shift…shift pixels across and down, independently; 0 for none.
    public var shift = 0

    /// The most pixels a shift may move an image.
    public static let maximumShift = 64

    /// An augmentation; not checked here (`validate()`).
    public init(flip: Bool = false, shift: Int = 0) {
        (self.flip, self.shift) = (flip, shift)
    }

    /// "flip", "shift:2" or "flip,shift:2"; nil for anything else.
    public init?(parsing text: String) {
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if part == "flip", !flip {
                flip = true
            } else if part.hasPrefix("shift:"), shift == 0, let pixels = Int(part.dropFirst(6)), pixels >= 1 {
                shift = pixels
            } else {
                return nil
            }
        }
    }

    /// "flip,shift:2": what `init(parsing:)` reads back.
    public var text: String {
        ([flip ? "flip" : nil, shift > 0 ? "shift:\(shift)" : nil] as [String?]).compactMap { $0 }.joined(separator: ",")
    }

    /// Throws ``ConfigurationError`` for an augmentation that changes nothing or shifts by more
    /// than `maximumShift`.
    public func validate() throws {
        guard flip || shift > 0 else {
            throw ConfigurationError(setting: "training.augment", value: "nothing", rule: "must flip, shift or both", fix: "e.g. flip,shift:2")
        }
        try Check.whole(shift, "training.augment shift", in: 0...Self.maximumShift)
    }

    /// Rewrites `row`, one gathered image of `width` × `height` values, as this augmentation
    /// turns it for the sample at `row` of step `step`'s batch.
    func apply(_ values: UnsafeMutablePointer<Float>, width: Int, height: Int, seed: UInt64, step: Int, row: Int) {
        let hash = CounterHash.row(seed: seed, salt: 0x6175_676d_656e_7421, step: step, row: row)
        let flips = flip && hash & 1 == 1
        let span = UInt64(2 * shift + 1)
        let dx = shift == 0 ? 0 : Int((hash >> 8) % span) - shift
        let dy = shift == 0 ? 0 : Int((hash >> 32) % span) - shift
        if flips {
            for y in 0..<height {
                var left = values + y * width, right = left + width - 1
                while left < right {
                    (left.pointee, right.pointee) = (right.pointee, left.pointee)
                    left += 1
                    right -= 1
                }
            }
        }
        guard dx != 0 || dy != 0 else { return }
        // Pixel (x, y) takes (x − dx, y − dy); walk so that nothing is read after it is written.
        for step in 0..<height {
            let y = dy > 0 ? height - 1 - step : step
            let destination = values + y * width
            let sy = y - dy
            guard sy >= 0 && sy < height else {
                destination.update(repeating: 0, count: width)
                continue
            }
            let source = values + sy * width
            for i in 0..<width {
                let x = dx > 0 ? width - 1 - i : i
                let sx = x - dx
                destination[x] = sx >= 0 && sx < width ? source[sx] : 0
            }
        }
    }
}
