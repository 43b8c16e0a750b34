/// An image file's format, told by its first bytes (what every decoder is chosen by; the
/// extension only decides which files in a folder are images at all, as torchvision does).
enum ImageFormat: Equatable {
    case jpeg, png, gif, bmp, pnm, webp, tiff
    /// No signature matched: TGA (which has none), or not an image; stb_image decides.
    case other

    init(magic bytes: [UInt8]) {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes[0..<prefix.count]) == prefix }
        if starts([0xFF, 0xD8]) { self = .jpeg }
        else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
        else if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { self = .gif }
        else if starts(Array("BM".utf8)) { self = .bmp }
        else if bytes.count >= 12, starts(Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { self = .webp }
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
                    || starts([0x49, 0x49, 0x2B, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2B]) { self = .tiff }
        else if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[1]) || bytes[1] == UInt8(ascii: "f") || bytes[1] == UInt8(ascii: "F") { self = .pnm }
        else { self = .other }
    }
}
