import CWebP

/// WebP through libwebp's WebPAnimDecoder, the decoder Pillow's WebPImagePlugin uses for every
/// WebP file: the first frame on the file's canvas, non-premultiplied RGBA, then Pillow's luma
/// with alpha dropped (so a transparent pixel keeps the colour stored under it, as in Pillow).
enum WebPDecoder {
    static func dimensions(of data: [UInt8]) -> ImageSize? {
        var features = WebPBitstreamFeatures()
        let status = data.withUnsafeBufferPointer { WebPGetFeatures($0.baseAddress!, $0.count, &features) }
        guard status == VP8_STATUS_OK, features.width > 0, features.height > 0 else { return nil }
        return ImageSize(width: Int(features.width), height: Int(features.height))
    }

    static func decode(_ data: [UInt8], path: String, maximumPixels: Int) throws -> GrayImage {
        // The canvas size (VP8X) or the image's, read before the decoder allocates its canvas.
        guard let size = dimensions(of: data) else {
            throw DatasetError.cannotDecode(path: path, reason: "the WebP header is corrupt or truncated")
        }
        try GrayImage.checkSize(width: size.width, height: size.height, path: path, maximumPixels: maximumPixels)
        return try data.withUnsafeBufferPointer { buffer -> GrayImage in
            var options = WebPAnimDecoderOptions()
            guard WebPAnimDecoderOptionsInit(&options) != 0 else {
                throw DatasetError.cannotDecode(path: path, reason: "libwebp could not be initialized")
            }
            options.color_mode = MODE_RGBA
            options.use_threads = 0
            var webpData = WebPData(bytes: buffer.baseAddress!, size: buffer.count)
            guard let decoder = WebPAnimDecoderNew(&webpData, &options) else {
                throw DatasetError.cannotDecode(path: path, reason: "the WebP data is corrupt or truncated")
            }
            defer { WebPAnimDecoderDelete(decoder) }
            var info = WebPAnimInfo()
            guard WebPAnimDecoderGetInfo(decoder, &info) != 0 else {
                throw DatasetError.cannotDecode(path: path, reason: "the WebP data is corrupt or truncated")
            }
            let width = Int(info.canvas_width), height = Int(info.canvas_height)
            try GrayImage.checkSize(width: width, height: height, path: path, maximumPixels: maximumPixels)
            var frame: UnsafeMutablePointer<UInt8>?
            var timestamp: Int32 = 0
            guard WebPAnimDecoderGetNext(decoder, &frame, &timestamp) != 0, let frame else {
                throw DatasetError.cannotDecode(path: path, reason: "the WebP image data is corrupt or truncated")
            }
            let count = width * height
            let pixels = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
                GrayImage.toGray(frame, channels: 4, count: count, into: output.baseAddress!)
                initialized = count
            }
            return GrayImage(width: width, height: height, pixels: pixels)
        }
    }
}
