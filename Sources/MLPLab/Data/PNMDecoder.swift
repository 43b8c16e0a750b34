import Foundation

/// Netpbm images (P1–P6: PBM, PGM, PPM, raw and ASCII), decoded as Pillow's PpmImagePlugin does.
///
/// What Pillow does, and so what this does:
/// - Header tokens are separated by whitespace; `#` starts a comment up to CR or LF.
/// - A sample is rescaled as `round(value / maxval · 255)` (Python's round: half to even),
///   raw samples above maxval clipped to 255, ASCII ones above maxval refused.
/// - Gray with maxval above 255 becomes Pillow's 32-bit mode "I" (scaled to 0…65535), which
///   `convert('L')` clips at 255: such a PGM is mostly white, as it is in Pillow.
/// - Bitmaps (P1, P4) are black 0 / white 255.
/// - Too few samples is an error (Pillow: "not enough image data"); extra bytes are ignored.
enum PNMDecoder {
    /// What the header says.
    struct Header {
        var kind: UInt8          // the digit after "P"
        var width: Int
        var height: Int
        var maxval: Int          // 1 for bitmaps
        var dataStart: Int       // offset of the first sample
        var bands: Int { kind == 3 || kind == 6 ? 3 : 1 }
        var isPlain: Bool { kind <= 3 }
    }

    static func dimensions(of data: [UInt8]) -> ImageSize? {
        guard let header = try? header(of: data, path: "") else { return nil }
        return ImageSize(width: header.width, height: header.height)
    }

    static func decode(_ data: [UInt8], path: String, maximumPixels: Int) throws -> GrayImage {
        let header = try header(of: data, path: path)
        try GrayImage.checkSize(width: header.width, height: header.height, path: path, maximumPixels: maximumPixels)
        let count = header.width * header.height
        let pixels: [UInt8]
        switch header.kind {
        case 4: pixels = try rawBitmap(data, header: header, path: path)
        case 1: pixels = try plainBitmap(data, header: header, path: path)
        default:
            let samples = header.isPlain ? try plainSamples(data, header: header, path: path)
                                         : try rawSamples(data, header: header, path: path)
            if header.bands == 1 {
                pixels = samples
            } else {
                pixels = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
                    samples.withUnsafeBufferPointer { GrayImage.toGray($0.baseAddress!, channels: 3, count: count, into: output.baseAddress!) }
                    initialized = count
                }
            }
        }
        return GrayImage(width: header.width, height: header.height, pixels: pixels)
    }

    // MARK: header

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    static func header(of data: [UInt8], path: String) throws -> Header {
        func fail(_ reason: String) -> DatasetError { .cannotDecode(path: path, reason: reason) }
        guard data.count >= 3, data[0] == UInt8(ascii: "P"), isWhitespace(data[2]),
              (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(data[1]) else {
            throw fail("not a PBM/PGM/PPM file of a supported kind (P1 to P6); Pillow's PFM and CMYK variants are not read")
        }
        let kind = data[1] - UInt8(ascii: "0")
        var position = 2
        // Pillow's _read_token: skip leading whitespace, stop at whitespace (consumed), skip
        // comments (even inside a token), at most 10 characters.
        func token(_ name: String) throws -> Int {
            var text: [UInt8] = []
            while text.count <= 10 {
                guard position < data.count else { break }
                let byte = data[position]
                position += 1
                if isWhitespace(byte) {
                    if text.isEmpty { continue }
                    break
                } else if byte == UInt8(ascii: "#") {
                    while position < data.count, data[position] != 0x0A, data[position] != 0x0D { position += 1 }
                    position += 1
                    continue
                }
                text.append(byte)
            }
            guard !text.isEmpty else { throw fail("the header ends before its \(name)") }
            guard text.count <= 10, let value = Int(String(decoding: text, as: UTF8.self)) else {
                throw fail("the header's \(name) is not a number (\(String(decoding: text.prefix(12), as: UTF8.self)))")
            }
            return value
        }
        let width = try token("width"), height = try token("height")
        var maxval = 1
        if kind != 1 && kind != 4 {
            maxval = try token("maximum value")
            guard maxval > 0, maxval < 65536 else { throw fail("the maximum value \(maxval) is outside 1…65535") }
        }
        guard width > 0, height > 0 else { throw fail("the header gives a size of \(width)×\(height) pixels") }
        return Header(kind: kind, width: width, height: height, maxval: maxval, dataStart: min(position, data.count))
    }

    // MARK: samples

    /// Pillow's rescaling: round(value / maxval × outMax), half to even, in double precision.
    @inline(__always)
    static func rescale(_ value: Int, maxval: Int, outMax: Double) -> Double {
        (Double(value) / Double(maxval) * outMax).rounded(.toNearestOrEven)
    }

    /// The gray or RGB samples of P5/P6 (1 byte, or 2 big-endian bytes when maxval > 255).
    static func rawSamples(_ data: [UInt8], header: Header, path: String) throws -> [UInt8] {
        let sampleCount = header.width * header.height * header.bands
        let bytesPerSample = header.maxval < 256 ? 1 : 2
        let needed = sampleCount * bytesPerSample
        guard data.count - header.dataStart >= needed else {
            throw DatasetError.cannotDecode(path: path, reason: "the image data is truncated (\(needed) bytes of samples expected, \(data.count - header.dataStart) found)")
        }
        let start = header.dataStart
        if header.maxval == 255 { return Array(data[start..<(start + sampleCount)]) }
        // Gray above 255 is Pillow's mode I (0…65535), then clipped to 255 by convert('L').
        let outMax: Double = header.bands == 1 && header.maxval > 255 ? 65535 : 255
        var table = [UInt8](repeating: 255, count: bytesPerSample == 1 ? 256 : 65536)
        for value in 0..<table.count {
            table[value] = UInt8(min(255, rescale(value, maxval: header.maxval, outMax: outMax)))
        }
        return (0..<sampleCount).map { i in
            bytesPerSample == 1 ? table[Int(data[start + i])]
                                : table[Int(data[start + 2 * i]) << 8 | Int(data[start + 2 * i + 1])]
        }
    }

    /// The samples of P2/P3: decimal tokens, comments removed first (as Pillow's
    /// PpmPlainDecoder does, so a comment between two digits joins them).
    static func plainSamples(_ data: [UInt8], header: Header, path: String) throws -> [UInt8] {
        let sampleCount = header.width * header.height * header.bands
        let outMax: Double = header.bands == 1 && header.maxval > 255 ? 65535 : 255
        var samples: [UInt8] = []
        samples.reserveCapacity(sampleCount)
        var tokens = PlainTokens(data: data, position: header.dataStart)
        while samples.count < sampleCount, let text = tokens.next() {
            guard text.count <= 10 else {
                throw DatasetError.cannotDecode(path: path, reason: "a sample in the ASCII data is longer than 10 characters")
            }
            guard let value = Int(String(decoding: text, as: UTF8.self)) else {
                throw DatasetError.cannotDecode(path: path, reason: "the ASCII data holds '\(String(decoding: text, as: UTF8.self))', not a number")
            }
            guard value >= 0, value <= header.maxval else {
                throw DatasetError.cannotDecode(path: path, reason: "the ASCII data holds \(value), outside 0…\(header.maxval) (the header's maximum value)")
            }
            samples.append(UInt8(min(255, rescale(value, maxval: header.maxval, outMax: outMax))))
        }
        guard samples.count == sampleCount else {
            throw DatasetError.cannotDecode(path: path, reason: "the image data is truncated (\(sampleCount) samples expected, \(samples.count) found)")
        }
        return samples
    }

    /// P4: rows of bits padded to whole bytes; 1 is black.
    static func rawBitmap(_ data: [UInt8], header: Header, path: String) throws -> [UInt8] {
        let rowBytes = (header.width + 7) / 8
        guard data.count - header.dataStart >= rowBytes * header.height else {
            throw DatasetError.cannotDecode(path: path, reason: "the image data is truncated (\(rowBytes * header.height) bytes expected, \(data.count - header.dataStart) found)")
        }
        var pixels = [UInt8](repeating: 0, count: header.width * header.height)
        for y in 0..<header.height {
            for x in 0..<header.width {
                let byte = data[header.dataStart + y * rowBytes + x / 8]
                pixels[y * header.width + x] = byte & (0x80 >> UInt8(x % 8)) != 0 ? 0 : 255
            }
        }
        return pixels
    }

    /// P1: one '0' (white) or '1' (black) a pixel, whitespace optional, comments removed.
    static func plainBitmap(_ data: [UInt8], header: Header, path: String) throws -> [UInt8] {
        let count = header.width * header.height
        var pixels: [UInt8] = []
        pixels.reserveCapacity(count)
        var tokens = PlainTokens(data: data, position: header.dataStart)
        while pixels.count < count, let text = tokens.next() {
            for byte in text where pixels.count < count {
                guard byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") else {
                    throw DatasetError.cannotDecode(path: path, reason: "the bitmap data holds '\(Character(Unicode.Scalar(byte)))', not 0 or 1")
                }
                pixels.append(byte == UInt8(ascii: "1") ? 0 : 255)
            }
        }
        guard pixels.count == count else {
            throw DatasetError.cannotDecode(path: path, reason: "the image data is truncated (\(count) pixels expected, \(pixels.count) found)")
        }
        return pixels
    }

    /// Whitespace-separated tokens of ASCII data, with `#…` comments (through their CR or LF)
    /// cut out before splitting.
    struct PlainTokens {
        let data: [UInt8]
        var position: Int

        mutating func next() -> [UInt8]? {
            var text: [UInt8] = []
            while position < data.count {
                let byte = data[position]
                if byte == UInt8(ascii: "#") {
                    while position < data.count, data[position] != 0x0A, data[position] != 0x0D { position += 1 }
                    position += 1
                    continue
                }
                position += 1
                if PNMDecoder.isWhitespace(byte) {
                    if text.isEmpty { continue }
                    return text
                }
                text.append(byte)
                if text.count > 10 { return text }
            }
            return text.isEmpty ? nil : text
        }
    }
}
