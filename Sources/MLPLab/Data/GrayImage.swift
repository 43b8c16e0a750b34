import CStb
import Foundation

/// One decoded 8-bit grayscale image.
public struct GrayImage: Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// height × width bytes, row-major.
    public var pixels: [UInt8]

    /// An image from `pixels`, which must hold width × height bytes (a precondition), row-major.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "GrayImage: pixel count does not match the size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The largest image decoded by default (about 16.8 megapixels): a header claiming more is
    /// rejected before any pixel is decoded.
    public static let defaultMaximumPixels = 4096 * 4096

    /// The width and height an image file's header claims (nothing decoded), or nil.
    public static func dimensions(of data: [UInt8]) -> ImageSize? {
        guard !data.isEmpty, data.count <= Int(Int32.max) else { return nil }
        return data.withUnsafeBytes { raw -> ImageSize? in
            var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
            guard stbi_info_from_memory(raw.bindMemory(to: UInt8.self).baseAddress!, Int32(data.count), &width, &height, &channels) == 1,
                  width > 0, height > 0 else { return nil }
            return ImageSize(width: Int(width), height: Int(height))
        }
    }

    /// Decodes an encoded image (JPEG, PNG, BMP, PGM/PPM, TGA, GIF's first frame) with
    /// stb_image and converts it to gray exactly as Pillow's `convert('L')`.
    ///
    /// The header is read first (`stbi_info`) so that a file claiming huge dimensions is refused
    /// without allocating. `path` only names the file in errors.
    public static func decode(_ data: Data, path: String, maximumPixels: Int = defaultMaximumPixels) throws -> GrayImage {
        try decode([UInt8](data), path: path, maximumPixels: maximumPixels)
    }

    /// Decodes encoded image bytes, as `decode(_:path:maximumPixels:)` does for `Data`.
    public static func decode(_ data: [UInt8], path: String, maximumPixels: Int = defaultMaximumPixels) throws -> GrayImage {
        guard !data.isEmpty else { throw DatasetError.cannotDecode(path: path, reason: "the file is empty") }
        guard data.count <= Int(Int32.max) else { throw DatasetError.cannotDecode(path: path, reason: "the file is larger than 2 GB") }
        return try data.withUnsafeBytes { raw -> GrayImage in
            let bytes = raw.bindMemory(to: UInt8.self).baseAddress!
            var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
            guard stbi_info_from_memory(bytes, Int32(data.count), &width, &height, &channels) == 1 else {
                throw DatasetError.cannotDecode(path: path, reason: "not an image in a supported format (\(failureReason()))")
            }
            // A JPEG without its end-of-image marker is incomplete. Pillow refuses it ("image file
            // is truncated"); so do we, whatever stb_image's decoder would make of the missing data.
            if data.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8, !hasJPEGEnd(bytes, count: data.count) {
                throw DatasetError.cannotDecode(path: path, reason: "the JPEG data is truncated (no end-of-image marker)")
            }
            guard width > 0, height > 0, Int(width) * Int(height) <= maximumPixels else {
                throw DatasetError.imageTooLarge(path: path, width: Int(width), height: Int(height), limit: maximumPixels)
            }
            guard let decoded = stbi_load_from_memory(bytes, Int32(data.count), &width, &height, &channels, 0) else {
                throw DatasetError.cannotDecode(path: path, reason: "the image data is corrupt or truncated (\(failureReason()))")
            }
            defer { stbi_image_free(decoded) }
            let count = Int(width) * Int(height)
            let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                toGray(decoded, channels: Int(channels), count: count, into: buffer.baseAddress!)
                initialized = count
            }
            return GrayImage(width: Int(width), height: Int(height), pixels: pixels)
        }
    }

    /// Pillow's ITU-R 601-2 luma in fixed point, bit-exact: L = (19595·R + 38470·G + 7471·B + 0x8000) >> 16.
    /// Gray stays gray; alpha is dropped, not composited (as `convert('L')` does).
    @inline(__always)
    public static func luma(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        // Wrapping operators: the sum is at most 65535·255 + 0x8000 < 2³², so nothing wraps, and
        // without overflow checks the loop over an image vectorizes.
        let r: UInt32 = 19595 &* UInt32(red)
        let g: UInt32 = 38470 &* UInt32(green)
        let b: UInt32 = 7471 &* UInt32(blue)
        return UInt8(truncatingIfNeeded: (r &+ g &+ b &+ 0x8000) >> 16)
    }

    static func toGray(_ source: UnsafePointer<UInt8>, channels: Int, count: Int, into destination: UnsafeMutablePointer<UInt8>) {
        switch channels {
        case 1:
            destination.update(from: source, count: count)
        case 2:
            for i in 0..<count { destination[i] = source[2 * i] }
        default:
            for i in 0..<count {
                let p = source + channels * i
                destination[i] = luma(red: p[0], green: p[1], blue: p[2])
            }
        }
    }

    /// This image resized to `width × height` with stb_image_resize (Mitchell filter down,
    /// Catmull-Rom up, as stb picks).
    public func resized(width newWidth: Int, height newHeight: Int) -> GrayImage {
        if newWidth == width && newHeight == height { return self }
        var output = [UInt8](repeating: 0, count: newWidth * newHeight)
        pixels.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                _ = stbir_resize_uint8(input.baseAddress!, Int32(width), Int32(height), 0,
                                       out.baseAddress!, Int32(newWidth), Int32(newHeight), 0, 1)
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: output)
    }

    /// PNG bytes of this image (for charts and reports).
    public func pngData() -> Data {
        encoded { context, pixels in
            stbi_write_png_to_func(appendToSink, context, Int32(width), Int32(height), 1, pixels, Int32(width))
        }
    }

    /// JPEG bytes of this image at `quality` (1…100).
    public func jpegData(quality: Int = 95) -> Data {
        encoded { context, pixels in
            stbi_write_jpg_to_func(appendToSink, context, Int32(width), Int32(height), 1, pixels, Int32(quality))
        }
    }

    /// Collects what one of stb_image_write's `*_to_func` encoders writes (through `appendToSink`).
    private func encoded(_ encode: (UnsafeMutableRawPointer, UnsafePointer<UInt8>) -> Int32) -> Data {
        let sink = EncodedSink()
        pixels.withUnsafeBufferPointer { buffer in
            _ = encode(Unmanaged.passUnretained(sink).toOpaque(), buffer.baseAddress!)
        }
        return sink.data
    }

    /// Whether an end-of-image marker (FF D9) stands among the last 64 bytes (encoders may pad).
    static func hasJPEGEnd(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = count - 2
        while i >= max(2, count - 64) {
            if bytes[i] == 0xFF && bytes[i + 1] == 0xD9 { return true }
            i -= 1
        }
        return false
    }

    private static func failureReason() -> String {
        stbi_failure_reason().map { String(cString: $0) } ?? "unknown reason"
    }
}

/// Where stb_image_write's callback appends the encoded bytes.
private final class EncodedSink {
    var data = Data()
}

/// stb_image_write's `stbi_write_func`: appends `size` bytes to the `EncodedSink` in `context`.
private func appendToSink(_ context: UnsafeMutableRawPointer?, _ bytes: UnsafeMutableRawPointer?, _ size: Int32) {
    let sink = Unmanaged<EncodedSink>.fromOpaque(context!).takeUnretainedValue()
    sink.data.append(bytes!.assumingMemoryBound(to: UInt8.self), count: Int(size))
}
