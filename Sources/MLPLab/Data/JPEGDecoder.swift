import CJPEG

/// JPEG through libjpeg-turbo, with Pillow's settings, so that gray equals Pillow's bit for bit.
///
/// Pillow decodes JPEG with libjpeg-turbo's defaults (JDCT_ISLOW, fancy upsampling): a
/// 1-component file straight to L, a 3-component one to RGB (then Pillow's luma), a
/// 4-component one (CMYK or YCCK) to CMYK read as Adobe-inverted ("CMYK;I", Pillow's
/// assumption for every 4-component JPEG), then CMYK → L. A file whose scan data stops before
/// the last row is refused as truncated, as Pillow refuses it; one that lacks only its
/// end-of-image marker, or has bytes after it (common from cameras), decodes, as in Pillow.
/// Corrupt-data warnings are ignored, as Pillow ignores them.
enum JPEGDecoder {
    static func dimensions(of data: [UInt8]) -> ImageSize? {
        var info = mlplab_jpeg_info()
        let status = data.withUnsafeBufferPointer { mlplab_jpeg_decode($0.baseAddress!, UInt($0.count), nil, 0, 0, &info) }
        guard status == Int32(MLPLAB_JPEG_OK), info.width > 0, info.height > 0 else { return nil }
        return ImageSize(width: Int(info.width), height: Int(info.height))
    }

    static func decode(_ data: [UInt8], path: String, maximumPixels: Int) throws -> GrayImage {
        var info = mlplab_jpeg_info()
        let header = data.withUnsafeBufferPointer { mlplab_jpeg_decode($0.baseAddress!, UInt($0.count), nil, 0, 0, &info) }
        try check(header, info: &info, path: path, maximumPixels: maximumPixels)
        let width = Int(info.width), height = Int(info.height)
        try GrayImage.checkSize(width: width, height: height, path: path, maximumPixels: maximumPixels)
        let components: Int
        switch info.components {
        case 1: components = 1
        case 3: components = 3
        case 4: components = 4
        default:
            throw DatasetError.cannotDecode(path: path, reason: "the JPEG has \(info.components) colour components; only 1 (gray), 3 (colour) and 4 (CMYK) can be read, as in Pillow")
        }
        let count = width * height
        var samples = [UInt8](repeating: 0, count: count * components)
        let status = data.withUnsafeBufferPointer { input in
            samples.withUnsafeMutableBufferPointer { output in
                mlplab_jpeg_decode(input.baseAddress!, UInt(input.count), output.baseAddress!, Int32(components), maximumPixels, &info)
            }
        }
        try check(status, info: &info, path: path, maximumPixels: maximumPixels)
        switch components {
        case 1:
            return GrayImage(width: width, height: height, pixels: samples)
        case 3:
            let pixels = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
                samples.withUnsafeBufferPointer { GrayImage.toGray($0.baseAddress!, channels: 3, count: count, into: output.baseAddress!) }
                initialized = count
            }
            return GrayImage(width: width, height: height, pixels: pixels)
        default:
            let pixels = (0..<count).map { i in
                GrayImage.cmykGray(cyan: 255 - samples[4 * i], magenta: 255 - samples[4 * i + 1],
                                   yellow: 255 - samples[4 * i + 2], black: 255 - samples[4 * i + 3])
            }
            return GrayImage(width: width, height: height, pixels: pixels)
        }
    }

    /// Turns the shim's status into the error a person reads.
    private static func check(_ status: Int32, info: inout mlplab_jpeg_info, path: String, maximumPixels: Int) throws {
        switch status {
        case Int32(MLPLAB_JPEG_OK): return
        case Int32(MLPLAB_JPEG_TRUNCATED):
            throw DatasetError.cannotDecode(path: path, reason: "the JPEG data is truncated (the file ends before the last row of the image)")
        case -1:
            throw DatasetError.imageTooLarge(path: path, width: Int(info.width), height: Int(info.height), limit: maximumPixels)
        default:
            let message = withUnsafeBytes(of: &info.message) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            throw DatasetError.cannotDecode(path: path, reason: "the JPEG data is corrupt (libjpeg: \(message.isEmpty ? "unknown error" : message))")
        }
    }
}
