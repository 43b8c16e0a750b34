/// The BMP layouts where stb_image's result is not Pillow's: 16-bit pixels, and bit-field
/// masks Pillow does not read. Everything else in a BMP is left to stb_image, whose 8-bit
/// channels and palettes equal Pillow's.
///
/// Pillow expands 5- and 6-bit channels as `value · 255 / 31` (or `/ 63`), truncated
/// (its "BGR;15" and "BGR;16" unpackers); stb_image replicates bits, which differs by 1 on
/// about half the values. Pillow reads 16-bit files only with the 5-6-5 or 5-5-5 masks (no
/// masks means 5-5-5), and 24/32-bit bit fields only in the layouts of its `SUPPORTED` table;
/// other masks it refuses ("Unsupported BMP bitfields layout"), and so does this.
enum BMPDecoder {
    /// The size in the header (width, and the height without its top-down sign, which
    /// stb_image's header reader does not accept), or nil.
    static func dimensions(of data: [UInt8]) -> ImageSize? {
        guard data.count >= 26 else { return nil }
        func u32(_ at: Int) -> UInt32 { UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24 }
        let headerSize = u32(14)
        let (width, height) = headerSize == 12
            ? (Int(data[18]) | Int(data[19]) << 8, Int(data[20]) | Int(data[21]) << 8)
            : (Int(Int32(bitPattern: u32(18))), abs(Int(Int32(bitPattern: u32(22)))))
        guard headerSize >= 12, width > 0, height > 0 else { return nil }
        return ImageSize(width: width, height: height)
    }

    /// Decodes `data` if it is a 16-bit BMP; nil hands a BMP of another depth to stb_image
    /// (after refusing masks Pillow refuses).
    static func decodeIfPillowDiffers(_ data: [UInt8], path: String, maximumPixels: Int) throws -> GrayImage? {
        func fail(_ reason: String) -> DatasetError { .cannotDecode(path: path, reason: reason) }
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24 }
        guard data.count >= 30 else { throw fail("the BMP header is truncated") }
        let headerSize = Int(u32(14))
        // OS/2 1.x headers (12 bytes) hold no masks and no 16-bit layouts stb gets wrong.
        guard headerSize >= 40, data.count >= 14 + headerSize else { return nil }
        let width = Int(Int32(bitPattern: u32(18))), signedHeight = Int(Int32(bitPattern: u32(22)))
        let bits = u16(28), compression = u32(30)
        let bitFields = compression == 3 || compression == 6
        var masks: [UInt32] = [0, 0, 0, 0]
        if bitFields {
            guard data.count >= 66 else { throw fail("the BMP bit-field masks are truncated") }
            masks = [u32(54), u32(58), u32(62), headerSize >= 56 && data.count >= 70 ? u32(66) : 0]
        }
        switch bits {
        case 16:
            break
        case 24 where bitFields:
            guard Array(masks[0..<3]) == [0xFF0000, 0xFF00, 0xFF] else { throw fail(unsupportedMasks(masks)) }
            return nil
        case 32 where bitFields:
            let supported: [[UInt32]] = [
                [0xFF0000, 0xFF00, 0xFF, 0], [0xFF00_0000, 0xFF0000, 0xFF00, 0], [0xFF00_0000, 0xFF00, 0xFF, 0],
                [0xFF00_0000, 0xFF0000, 0xFF00, 0xFF], [0xFF, 0xFF00, 0xFF0000, 0xFF00_0000],
                [0xFF0000, 0xFF00, 0xFF, 0xFF00_0000], [0xFF00_0000, 0xFF00, 0xFF, 0xFF0000], [0, 0, 0, 0],
            ]
            guard supported.contains(masks) else { throw fail(unsupportedMasks(masks)) }
            return nil
        default:
            return nil
        }
        let sixBitGreen: Bool
        switch (bitFields ? Array(masks[0..<3]) : [0x7C00, 0x3E0, 0x1F]) {
        case [0xF800, 0x7E0, 0x1F]: sixBitGreen = true
        case [0x7C00, 0x3E0, 0x1F]: sixBitGreen = false
        default: throw fail(unsupportedMasks(masks))
        }
        guard compression == 0 || bitFields else { throw fail("16-bit BMP with compression \(compression) cannot be read") }
        let height = abs(signedHeight)
        try GrayImage.checkSize(width: width, height: height, path: path, maximumPixels: maximumPixels)
        let offset = Int(u32(10))
        let stride = (width * 16 + 31) / 32 * 4
        guard offset >= 14, offset <= data.count, data.count - offset >= stride * height else {
            throw fail("the image data is truncated (\(stride * height) bytes of pixels expected)")
        }
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            // Rows are stored bottom-up unless the height is negative.
            let rowStart = offset + stride * (signedHeight > 0 ? height - 1 - y : y)
            for x in 0..<width {
                let value = u16(rowStart + 2 * x)
                let (red, green, blue) = sixBitGreen
                    ? ((value >> 11) & 31, (value >> 5) & 63, value & 31)
                    : ((value >> 10) & 31, (value >> 5) & 31, value & 31)
                pixels[y * width + x] = GrayImage.luma(red: UInt8(red * 255 / 31),
                                                       green: UInt8(sixBitGreen ? green * 255 / 63 : green * 255 / 31),
                                                       blue: UInt8(blue * 255 / 31))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    private static func unsupportedMasks(_ masks: [UInt32]) -> String {
        "its bit-field masks (" + masks.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
            + ") are a layout Pillow does not read either; save it as PNG"
    }
}
