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
        switch ImageFormat(magic: data) {
        case .jpeg: return JPEGDecoder.dimensions(of: data)
        case .gif: return GIFDecoder.dimensions(of: data)
        case .pnm: return PNMDecoder.dimensions(of: data)
        case .webp: return WebPDecoder.dimensions(of: data)
        case .tiff: return TIFFDecoder.dimensions(of: data)
        case .bmp: return BMPDecoder.dimensions(of: data)
        case .png, .other: return StbDecoder.dimensions(of: data)
        }
    }

    /// Decodes an encoded image and converts it to gray exactly as Pillow's `convert('L')`:
    /// JPEG (libjpeg-turbo), WebP (libwebp), TIFF's first page (libtiff), GIF's first frame,
    /// PGM/PPM/PBM (ours), PNG, BMP and TGA (stb_image, with Pillow's conversions; 16-bit BMP
    /// ours, where stb_image's result is not Pillow's).
    ///
    /// The format is chosen by the file's first bytes, not its name. Each decoder reads the
    /// header first, so that a file claiming more than `maximumPixels` is refused without
    /// allocating. `path` only names the file in errors.
    public static func decode(_ data: Data, path: String, maximumPixels: Int = defaultMaximumPixels) throws -> GrayImage {
        try decode([UInt8](data), path: path, maximumPixels: maximumPixels)
    }

    /// Decodes encoded image bytes, as `decode(_:path:maximumPixels:)` does for `Data`.
    public static func decode(_ data: [UInt8], path: String, maximumPixels: Int = defaultMaximumPixels) throws -> GrayImage {
        guard !data.isEmpty else { throw DatasetError.cannotDecode(path: path, reason: "the file is empty") }
        guard data.count <= Int(Int32.max) else { throw DatasetError.cannotDecode(path: path, reason: "the file is larger than 2 GB") }
        switch ImageFormat(magic: data) {
        case .jpeg: return try JPEGDecoder.decode(data, path: path, maximumPixels: maximumPixels)
        case .gif: return try GIFDecoder.decode(data, path: path, maximumPixels: maximumPixels)
        case .pnm: return try PNMDecoder.decode(data, path: path, maximumPixels: maximumPixels)
        case .webp: return try WebPDecoder.decode(data, path: path, maximumPixels: maximumPixels)
        case .tiff: return try TIFFDecoder.decode(data, path: path, maximumPixels: maximumPixels)
        case .bmp:
            if let image = try BMPDecoder.decodeIfPillowDiffers(data, path: path, maximumPixels: maximumPixels) { return image }
            return try StbDecoder.decode(data, path: path, maximumPixels: maximumPixels)
        case .png, .other: return try StbDecoder.decode(data, path: path, maximumPixels: maximumPixels)
        }
    }

    /// Throws `cannotDecode` unless width and height are positive, and `imageTooLarge` when
    /// width × height is more than `maximumPixels`: what every decoder checks after the header
    /// and before allocating pixels.
    static func checkSize(width: Int, height: Int, path: String, maximumPixels: Int) throws {
        guard width > 0, height > 0 else {
            throw DatasetError.cannotDecode(path: path, reason: "the header gives a size of \(width)×\(height) pixels")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maximumPixels else {
            throw DatasetError.imageTooLarge(path: path, width: width, height: height, limit: maximumPixels)
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

    /// Pillow's CMYK → L: its `cmyk2rgb` (R = 255 − K − C·(255 − K)/255, rounded as Pillow's
    /// MULDIV255, clipped), then `luma`. Checked against Pillow 13 on 200,000 random colours.
    @inline(__always)
    static func cmykGray(cyan: UInt8, magenta: UInt8, yellow: UInt8, black: UInt8) -> UInt8 {
        let notBlack = 255 - Int(black)
        func channel(_ value: UInt8) -> UInt8 {
            let product = Int(value) * notBlack + 128
            return UInt8(clamping: notBlack - (((product >> 8) + product) >> 8))
        }
        return luma(red: channel(cyan), green: channel(magenta), blue: channel(yellow))
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
