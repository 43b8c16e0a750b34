extension Dataset {
    /// A hash of everything that decides training on this data: class names, image size, every
    /// label and pixel, the official test range. Recorded with each run so that resuming on
    /// changed data is refused instead of silently giving another result.
    public var fingerprint: String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x84222325cbf29ce4
        func mix(_ word: UInt64) {
            a = (a ^ word) &* 0x0000_0100_0000_01b3
            b = (b &+ word) &* 0x9E37_79B9_7F4A_7C15
            b ^= b >> 31
        }
        for byte in "\(classNames)|\(imageWidth)x\(imageHeight)|\(officialTestRange.map { "\($0)" } ?? "-")".utf8 { mix(UInt64(byte)) }
        labels.withUnsafeBufferPointer { for label in $0 { mix(UInt64(UInt32(bitPattern: label))) } }
        pixels.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words { mix(raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
            for i in (words * 8)..<raw.count { mix(UInt64(raw[i])) }
        }
        return String(a, radix: 16) + String(b, radix: 16)
    }
}
