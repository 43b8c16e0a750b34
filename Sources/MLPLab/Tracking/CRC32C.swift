/// CRC-32C (Castagnoli, the iSCSI polynomial 0x1EDC6F41, reflected 0x82F63B78), as TFRecord and
/// TensorBoard's event files use it, and the "masked" form they store.
///
/// Table-driven, one byte at a time: event records are tens of bytes, so a faster form would
/// buy nothing. Check value: the CRC of "123456789" is 0xE3069283.
public enum CRC32C {
    /// The 256-entry table of the reflected polynomial.
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The CRC-32C of `bytes`.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// The masked CRC a TFRecord stores: rotated right by 15 bits plus 0xA282EAD8, so that a CRC
    /// of data that itself holds CRCs is not degenerate.
    public static func masked<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
