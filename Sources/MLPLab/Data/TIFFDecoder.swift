import CTIFF

/// A TIFF's first page through libtiff, in the modes of Pillow's TiffImagePlugin table
/// (OPEN_INFO) that this reads, each converted to gray as Pillow converts that mode:
/// - gray, 1/2/4/8 bits (white-is-zero inverted), scaled by 255/85/17/1 ("1", "L;2", "L;4", "L");
/// - gray 16 bits: Pillow's "I;16", which `convert('L')` clips at 255;
/// - gray + an extra sample, 8 bits: the gray sample ("LX", "LA");
/// - RGB 8 bits with 0–1 extra samples (unassociated alpha or unspecified): luma;
/// - RGB 16 bits: the high byte of each sample ("RGB;16L"/"RGB;16B"), then luma;
/// - palette, 1/2/4/8 bits: the colour map's high bytes, then luma;
/// - CMYK 8 bits: Pillow's CMYK → L;
/// - YCbCr compressed as JPEG: libtiff's JPEG codec asked for RGB, as Pillow asks it.
/// Other layouts (premultiplied alpha, float or signed samples, separate planes, reversed
/// fill order, other YCbCr) are refused with a line saying so.
enum TIFFDecoder {
    /// An open TIFF file, closed when this goes away.
    private final class File {
        let handle: OpaquePointer
        let memory: UnsafeMutablePointer<mlplab_tiff_memory>
        let bytes: UnsafeMutableBufferPointer<UInt8>

        init?(_ data: [UInt8], maximumAllocation: Int) {
            bytes = .allocate(capacity: data.count)
            _ = bytes.initialize(from: data)
            memory = .allocate(capacity: 1)
            memory.initialize(to: mlplab_tiff_memory())
            memory.pointee.data = UnsafePointer(bytes.baseAddress!)
            memory.pointee.size = UInt64(data.count)
            guard let handle = mlplab_tiff_open(memory, maximumAllocation) else {
                memory.deallocate()
                bytes.deallocate()
                return nil
            }
            self.handle = handle
        }

        var message: String {
            withUnsafeBytes(of: &memory.pointee.message) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }

        deinit {
            TIFFClose(handle)
            memory.deallocate()
            bytes.deallocate()
        }
    }

    static func dimensions(of data: [UInt8]) -> ImageSize? {
        guard let file = File(data, maximumAllocation: 64 << 20) else { return nil }
        var layout = mlplab_tiff_layout()
        mlplab_tiff_describe(file.handle, &layout)
        guard layout.width > 0, layout.height > 0 else { return nil }
        return ImageSize(width: Int(layout.width), height: Int(layout.height))
    }

    static func decode(_ data: [UInt8], path: String, maximumPixels: Int) throws -> GrayImage {
        func fail(_ reason: String) -> DatasetError { .cannotDecode(path: path, reason: reason) }
        // libtiff's single allocations are capped: a strip or tile is never bigger than a
        // whole image of maximumPixels at 8 bytes a pixel.
        guard let file = File(data, maximumAllocation: max(1 << 20, min(maximumPixels, Int.max / 16) * 8)) else {
            throw fail("not a readable TIFF file (libtiff could not open it)")
        }
        var layout = mlplab_tiff_layout()
        mlplab_tiff_describe(file.handle, &layout)
        let width = Int(layout.width), height = Int(layout.height)
        try GrayImage.checkSize(width: width, height: height, path: path, maximumPixels: maximumPixels)
        let mode = try Mode(layout, path: path)
        if mode == .rgbFromJPEG { mlplab_tiff_jpeg_to_rgb(file.handle) }
        let samplesPerPixel = mode == .rgbFromJPEG ? 3 : Int(layout.samples_per_pixel)
        let bits = Int(layout.bits_per_sample)
        let rowBytes = Int(clamping: mlplab_tiff_row_bytes(file.handle))
        guard rowBytes >= (width * samplesPerPixel * bits + 7) / 8, rowBytes <= Int(Int32.max) / height else {
            throw fail("the TIFF's row size is inconsistent with its header (\(file.message))")
        }
        var raw = [UInt8](repeating: 0, count: rowBytes * height)
        let status = raw.withUnsafeMutableBufferPointer {
            mlplab_tiff_read_pixels(file.handle, $0.baseAddress!, UInt32(height), UInt32(samplesPerPixel * bits))
        }
        switch status {
        case Int32(MLPLAB_TIFF_OK): break
        case Int32(MLPLAB_TIFF_BAD_TILES):
            throw fail("the TIFF's tile size is inconsistent with its \(samplesPerPixel) × \(bits)-bit pixels; save it as PNG")
        default:
            let message = file.message
            throw fail("the TIFF image data is corrupt or truncated (libtiff: \(message.isEmpty ? "read failed" : message))")
        }
        var colormap: [UInt8] = []
        if mode == .palette {
            let entries = 1 << bits
            var red = [UInt16](repeating: 0, count: entries), green = red, blue = red
            guard mlplab_tiff_colormap(file.handle, &red, &green, &blue, Int32(entries)) != 0 else {
                throw fail("the palette TIFF has no colour map")
            }
            // Pillow keeps each 16-bit colour map entry's high byte (b // 256).
            colormap = (0..<entries).map { GrayImage.luma(red: UInt8(red[$0] >> 8), green: UInt8(green[$0] >> 8), blue: UInt8(blue[$0] >> 8)) }
        }
        var pixels = [UInt8](repeating: 0, count: width * height)
        raw.withUnsafeBufferPointer { raw in
            for y in 0..<height {
                let row = raw.baseAddress! + y * rowBytes
                for x in 0..<width {
                    pixels[y * width + x] = mode.gray(row: row, x: x, bits: bits, samples: samplesPerPixel,
                                                      colormap: colormap)
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// How a pixel's samples become gray.
    enum Mode: Equatable {
        case gray(invert: Bool), gray16, rgb, rgb16, palette, cmyk, rgbFromJPEG

        init(_ layout: mlplab_tiff_layout, path: String) throws {
            let bits = Int(layout.bits_per_sample), samples = Int(layout.samples_per_pixel)
            let extras = Int(layout.extra_count), firstExtra = Int(layout.extra_first)
            func refuse(_ what: String) -> DatasetError {
                .cannotDecode(path: path, reason: "\(what) cannot be read (photometric \(layout.photometric), \(samples) × \(bits)-bit samples); save it as PNG")
            }
            guard layout.has_photometric != 0 else { throw refuse("a TIFF without a photometric tag") }
            guard layout.planar == 1 else { throw refuse("a TIFF with separate colour planes") }
            guard layout.fill_order == 1 else { throw refuse("a TIFF with reversed bit order") }
            guard layout.sample_format == 1 else { throw refuse("a TIFF of signed or floating-point samples") }
            switch (Int(layout.photometric), samples, bits) {
            case (0, 1, 1), (0, 1, 2), (0, 1, 4), (0, 1, 8): self = .gray(invert: true)
            case (1, 1, 1), (1, 1, 2), (1, 1, 4), (1, 1, 8): self = .gray(invert: false)
            case (1, 2, 8) where extras == 1 && (firstExtra == 0 || firstExtra == 2): self = .gray(invert: false)
            case (1, 1, 16): self = .gray16
            // Pillow's table has white-is-zero 16-bit only little-endian, and does not invert it.
            case (0, 1, 16): self = .gray16
            case (2, 3, 8): self = .rgb
            case (2, 4, 8) where extras == 0 || firstExtra == 0 || firstExtra == 2 || firstExtra == 999: self = .rgb
            case (2, 3, 16): self = .rgb16
            case (2, 4, 16) where extras == 0 || firstExtra == 0 || firstExtra == 2: self = .rgb16
            case (3, 1, 1), (3, 1, 2), (3, 1, 4), (3, 1, 8): self = .palette
            case (5, 4, 8) where extras == 0: self = .cmyk
            case (6, 3, 8) where layout.compression == 7: self = .rgbFromJPEG
            default: throw refuse("this TIFF layout")
            }
        }

        /// Gray of pixel `x` in a decoded row (samples interleaved, 16-bit ones in host order).
        @inline(__always)
        func gray(row: UnsafePointer<UInt8>, x: Int, bits: Int, samples: Int, colormap: [UInt8]) -> UInt8 {
            func index() -> Int {
                if bits == 8 { return Int(row[x * samples]) }
                let bit = x * bits
                return Int(row[bit / 8] >> UInt8(8 - bits - bit % 8)) & ((1 << bits) - 1)
            }
            func sample16(_ i: Int) -> UInt16 {
                UnsafeRawPointer(row + 2 * (x * samples + i)).loadUnaligned(as: UInt16.self)
            }
            switch self {
            case let .gray(invert):
                let scale = 255 / ((1 << bits) - 1)
                let value = UInt8(index() * scale)
                return invert ? 255 - value : value
            case .gray16:
                return UInt8(clamping: sample16(0))
            case .rgb, .rgbFromJPEG:
                let p = row + x * samples
                return GrayImage.luma(red: p[0], green: p[1], blue: p[2])
            case .rgb16:
                return GrayImage.luma(red: UInt8(sample16(0) >> 8), green: UInt8(sample16(1) >> 8), blue: UInt8(sample16(2) >> 8))
            case .palette:
                return colormap[index()]
            case .cmyk:
                let p = row + x * samples
                return GrayImage.cmykGray(cyan: p[0], magenta: p[1], yellow: p[2], black: p[3])
            }
        }
    }
}
