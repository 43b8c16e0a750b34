/// A 128-bit hash that is the same on every run and machine (Swift's `Hasher` is seeded per
/// process), for names and keys stored on disk: a data set's fingerprint, the decode cache's
/// key, a study run's folder name. Not cryptographic: it guards against accidents, not attacks.
///
/// Two 64-bit lanes over 64-bit words: FNV-1a's multiply in one, a golden-ratio multiply with a
/// shift in the other, so that a word that cancels in one lane does not in both.
public struct StableHash {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x8422_2325_cbf2_9ce4

    /// An empty hash in its fixed starting state, so equal inputs give equal digests on every run.
    public init() {}

    /// Mixes one 64-bit word into both lanes; order matters.
    public mutating func add(_ word: UInt64) {
        a = (a ^ word) &* 0x0000_0100_0000_01b3
        b = (b &+ word) &* 0x9E37_79B9_7F4A_7C15
        b ^= b >> 31
    }

    /// Adds the text's UTF-8 bytes and its length, so that "ab"+"c" and "a"+"bc" differ.
    public mutating func add(_ text: String) {
        for byte in text.utf8 { add(UInt64(byte)) }
        add(UInt64(text.utf8.count) | 1 << 63)
    }

    /// Adds raw bytes eight at a time (then the tail one by one): fast over a data set's pixels.
    public mutating func add(bytes: UnsafeRawBufferPointer) {
        let words = bytes.count / 8
        for i in 0..<words { add(bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
        for i in (words * 8)..<bytes.count { add(UInt64(bytes[i])) }
    }

    /// 32 hexadecimal digits.
    public var hexDigest: String {
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(a) + hex(b)
    }
}
