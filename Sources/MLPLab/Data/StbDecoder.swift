import CStb

/// PNG, BMP and TGA through stb_image, converted to gray as Pillow converts its modes.
///
/// stb_image gives 8-bit samples that equal Pillow's for these formats (16-bit samples keep
/// their high byte, as Pillow's "RGB;16B"/"LA;16B" unpackers do; 1/2/4-bit gray is scaled by
/// 255, 85, 17 as "1"/"L;2"/"L;4" are), except 16-bit grayscale PNG: Pillow opens it as "I;16"
/// and `convert('L')` clips each value to 255, so those files are read at 16 bits and clipped.
/// 16-bit BMP is left to ``BMPDecoder``.
enum StbDecoder {
    static func dimensions(of data: [UInt8]) -> ImageSize? {
        data.withUnsafeBufferPointer { buffer -> ImageSize? in
            var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
            guard stbi_info_from_memory(buffer.baseAddress!, Int32(buffer.count), &width, &height, &channels) == 1,
                  width > 0, height > 0 else { return nil }
            return ImageSize(width: Int(width), height: Int(height))
        }
    }

    static func decode(_ data: [UInt8], path: String, maximumPixels: Int) throws -> GrayImage {
        try data.withUnsafeBufferPointer { buffer -> GrayImage in
            let bytes = buffer.baseAddress!, count = Int32(buffer.count)
            var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
            guard stbi_info_from_memory(bytes, count, &width, &height, &channels) == 1 else {
                throw DatasetError.cannotDecode(path: path, reason: "not an image in a supported format (\(failureReason()))")
            }
            try GrayImage.checkSize(width: Int(width), height: Int(height), path: path, maximumPixels: maximumPixels)
            if isSixteenBitGrayPNG(data) {
                guard let decoded = stbi_load_16_from_memory(bytes, count, &width, &height, &channels, 0) else {
                    throw DatasetError.cannotDecode(path: path, reason: "the image data is corrupt or truncated (\(failureReason()))")
                }
                defer { stbi_image_free(decoded) }
                let pixelCount = Int(width) * Int(height), stride = Int(channels)
                // Pillow's I;16 → L: values above 255 become 255 (not the high byte).
                let pixels = (0..<pixelCount).map { UInt8(clamping: decoded[$0 * stride]) }
                return GrayImage(width: Int(width), height: Int(height), pixels: pixels)
            }
            guard let decoded = stbi_load_from_memory(bytes, count, &width, &height, &channels, 0) else {
                throw DatasetError.cannotDecode(path: path, reason: "the image data is corrupt or truncated (\(failureReason()))")
            }
            defer { stbi_image_free(decoded) }
            let pixelCount = Int(width) * Int(height)
            let pixels = [UInt8](unsafeUninitializedCapacity: pixelCount) { output, initialized in
                GrayImage.toGray(decoded, channels: Int(channels), count: pixelCount, into: output.baseAddress!)
                initialized = pixelCount
            }
            return GrayImage(width: Int(width), height: Int(height), pixels: pixels)
        }
    }

    /// Whether `data` is a PNG whose IHDR says 16-bit grayscale (colour type 0).
    static func isSixteenBitGrayPNG(_ data: [UInt8]) -> Bool {
        ImageFormat(magic: data) == .png && data.count > 25 && Array(data[12..<16]) == Array("IHDR".utf8)
            && data[24] == 16 && data[25] == 0
    }

    private static func failureReason() -> String {
        stbi_failure_reason().map { String(cString: $0) } ?? "unknown reason"
    }
}
