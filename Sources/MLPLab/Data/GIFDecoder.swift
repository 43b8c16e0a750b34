/// A GIF's first frame, placed and coloured as Pillow's GifImagePlugin does, then
/// `convert('L')`.
///
/// stb_image composites a GIF to RGBA with transparent pixels black, which is not what Pillow
/// gives, so GIF is decoded here (LZW, interlace). Pillow's first frame:
/// - the image is the logical screen, enlarged if the frame reaches past it;
/// - outside the frame, each pixel is the transparent index if the frame has one, else index 0;
/// - every index, transparent or not, takes its palette colour (P → L ignores transparency);
///   an index past the end of the palette is black;
/// - with no palette, or one that is the gray ramp (i, i, i) (Pillow's `_is_palette_needed`
///   false: mode L), the indices are the gray values;
/// - the blocks before it are read as Pillow's `_seek` reads them: a byte that starts no block
///   is skipped, a graphic control block too short for its fields is refused, and the last
///   transparent index given stands;
/// - a first frame with no pixels (width or height 0) is refused, as Pillow refuses it ("tile
///   cannot extend outside image"), even on a screen that has pixels;
/// - LZW data that ends (end code, or no more data) before the last pixel is refused as
///   truncated, as Pillow refuses it; a missing trailer after a complete frame is fine.
///
/// The LZW decoding is Pillow's (libImaging/GifDecode.c), not the GIF specification's where
/// they part, which only files no usual encoder writes reach: any minimum code size from 0 to
/// 12 (Pillow's limit; size 12 reads 13-bit codes and never grows its table); the code width
/// grows when the table's new entry is the largest code the width holds (for size 1, codes
/// then stay 2 bits wide for good, where giflib widens them); a literal code above 255 keeps its
/// low byte; an empty data sub-block does not end the data; and a sub-block is used only when
/// the file holds all of it.
enum GIFDecoder {
    /// What precedes the first frame's pixel data.
    struct Frame {
        var screenWidth: Int, screenHeight: Int
        var left: Int, top: Int, width: Int, height: Int
        var interlaced: Bool
        var palette: [UInt8]            // RGB triples; empty for none (or a gray ramp)
        var transparentIndex: Int?
        var minimumCodeSize: Int
        var dataStart: Int              // the first data sub-block's length byte
        var canvasWidth: Int { max(screenWidth, left + width) }
        var canvasHeight: Int { max(screenHeight, top + height) }
    }

    static func dimensions(of data: [UInt8]) -> ImageSize? {
        guard let frame = try? firstFrame(of: data, path: "") else { return nil }
        return ImageSize(width: frame.canvasWidth, height: frame.canvasHeight)
    }

    static func decode(_ data: [UInt8], path: String, maximumPixels: Int) throws -> GrayImage {
        let frame = try firstFrame(of: data, path: path)
        let width = frame.canvasWidth, height = frame.canvasHeight
        try GrayImage.checkSize(width: width, height: height, path: path, maximumPixels: maximumPixels)
        var indices = [UInt8](repeating: UInt8(frame.transparentIndex ?? 0), count: width * height)
        try decodeLZW(data, frame: frame, path: path) { i, index in
            let (x, y) = (i % frame.width, row(i / frame.width, height: frame.height, interlaced: frame.interlaced))
            indices[(frame.top + y) * width + frame.left + x] = index
        }
        var gray = frame.palette.isEmpty ? (0...255).map { UInt8($0) } : [UInt8](repeating: 0, count: 256)
        for i in 0..<min(256, frame.palette.count / 3) {
            gray[i] = GrayImage.luma(red: frame.palette[3 * i], green: frame.palette[3 * i + 1], blue: frame.palette[3 * i + 2])
        }
        return GrayImage(width: width, height: height, pixels: indices.map { gray[Int($0)] })
    }

    /// The image row of the `n`th row stored: interlaced GIFs store rows 0, 8, 16 …, then
    /// 4, 12 …, then 2, 6 …, then 1, 3 ….
    static func row(_ n: Int, height: Int, interlaced: Bool) -> Int {
        guard interlaced else { return n }
        var n = n
        for (start, step) in [(0, 8), (4, 8), (2, 4), (1, 2)] {
            let rows = start < height ? (height - start + step - 1) / step : 0
            if n < rows { return start + n * step }
            n -= rows
        }
        return height - 1
    }

    // MARK: structure

    static func firstFrame(of data: [UInt8], path: String) throws -> Frame {
        func fail(_ reason: String) -> DatasetError { .cannotDecode(path: path, reason: reason) }
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        guard data.count >= 13 else { throw fail("the GIF header is truncated") }
        let screenWidth = u16(6), screenHeight = u16(8), flags = data[10]
        var position = 13
        var globalPalette: [UInt8] = []
        if flags & 0x80 != 0 {
            let size = 3 << (Int(flags & 7) + 1)
            guard position + size <= data.count else { throw fail("the GIF palette is truncated") }
            globalPalette = colours(data[position..<(position + size)])
            position += size
        }
        var transparentIndex: Int?
        /// The data sub-block at `position` (cut short at the file's end), moving past it; nil
        /// for an empty one (a terminator) or at the end: Pillow's `GifImageFile.data()`.
        func subBlock() -> ArraySlice<UInt8>? {
            guard position < data.count else { return nil }
            let length = Int(data[position])
            position += 1
            guard length > 0 else { return nil }
            let block = data[position..<min(position + length, data.count)]
            position += block.count
            return block.isEmpty ? nil : block
        }
        while true {
            guard position < data.count else { throw fail("the GIF data is truncated before its first image") }
            let introducer = data[position]
            position += 1
            switch introducer {
            case 0x21:  // extension, read as Pillow's _seek reads it
                guard position < data.count else { throw fail("the GIF data is truncated") }
                let label = data[position]
                position += 1
                var block = subBlock()
                if label == 0xF9, let control = block {
                    // Graphic control: flags, delay (2 bytes), transparent index.
                    let flags = control[control.startIndex]
                    guard control.count >= (flags & 1 != 0 ? 4 : 3) else {
                        throw fail("the GIF's graphic control block is \(control.count) bytes, too short")
                    }
                    if flags & 1 != 0 { transparentIndex = Int(control[control.startIndex + 3]) }
                }
                if label == 0xFE {
                    // A comment ends at its terminator; other extensions are skipped from the
                    // byte after their first sub-block, even when that one was the terminator.
                    while block != nil { block = subBlock() }
                } else {
                    if label == 0xFF, let application = block, application.starts(with: Array("NETSCAPE2.0".utf8)) { _ = subBlock() }
                    while subBlock() != nil {}
                }
            case 0x2C:  // image descriptor
                guard position + 9 < data.count else { throw fail("the GIF image descriptor is truncated") }
                let left = u16(position), top = u16(position + 2), width = u16(position + 4), height = u16(position + 6)
                guard width > 0 && height > 0 else {
                    throw fail("the GIF's first frame is \(width)×\(height) pixels: it has none")
                }
                let imageFlags = data[position + 8]
                position += 9
                var palette = globalPalette
                if imageFlags & 0x80 != 0 {
                    let size = 3 << (Int(imageFlags & 7) + 1)
                    guard position + size <= data.count else { throw fail("the GIF palette is truncated") }
                    palette = colours(data[position..<(position + size)])
                    position += size
                }
                guard position < data.count else { throw fail("the GIF image data is truncated") }
                let minimumCodeSize = Int(data[position])
                guard (0...12).contains(minimumCodeSize) else {
                    throw fail("the GIF's LZW code size \(minimumCodeSize) is invalid")
                }
                return Frame(screenWidth: screenWidth, screenHeight: screenHeight, left: left, top: top,
                             width: width, height: height, interlaced: imageFlags & 0x40 != 0, palette: palette,
                             transparentIndex: transparentIndex, minimumCodeSize: minimumCodeSize, dataStart: position + 1)
            case 0x3B:
                throw fail("the GIF has no image")
            default:
                continue  // Pillow skips a byte that starts no block
            }
        }
    }

    /// A colour table, or [] when it is the gray ramp (0,0,0), (1,1,1) … that Pillow reads as
    /// mode L (no palette).
    static func colours(_ table: ArraySlice<UInt8>) -> [UInt8] {
        let table = Array(table)
        var isRamp = true
        for entry in 0..<(table.count / 3) {
            let (red, green, blue) = (Int(table[3 * entry]), Int(table[3 * entry + 1]), Int(table[3 * entry + 2]))
            if red != entry || green != entry || blue != entry { isRamp = false }
        }
        return isRamp ? [] : table
    }

    // MARK: LZW

    /// Decodes the frame's LZW data, calling `emit(i, index)` for pixels 0 ..< width × height
    /// in stored order, as Pillow's decoder does (see the type's comment); data that ends before
    /// the last pixel is truncated.
    static func decodeLZW(_ data: [UInt8], frame: Frame, path: String, emit: (Int, UInt8) -> Void) throws {
        func fail(_ reason: String) -> DatasetError { .cannotDecode(path: path, reason: reason) }
        let pixelCount = frame.width * frame.height
        // Codes 0 ..< clear are literals; the table holds clear + 2 ..< 4096. With a minimum
        // code size of 12, clear is 4096 and the table stays empty.
        let tableSize = 4096
        let clear = 1 << frame.minimumCodeSize, end = clear + 1
        var prefix = [UInt16](repeating: 0, count: tableSize)
        var suffix = [UInt8](repeating: 0, count: tableSize)
        var first = [UInt8](repeating: 0, count: tableSize)   // each code's first index
        var length = [UInt16](repeating: 0, count: tableSize)
        for code in 0..<min(clear, tableSize) {
            suffix[code] = UInt8(truncatingIfNeeded: code); first[code] = suffix[code]; length[code] = 1
        }
        var codeSize = frame.minimumCodeSize + 1
        var next = clear + 2
        var previous = -1        // the last code read since a clear; -1: none yet
        var emitted = 0
        var stack = [UInt8](repeating: 0, count: tableSize + 1)

        // Bit reader over the data sub-blocks: a sub-block counts once the file holds all of it,
        // and an empty one is read past (Pillow reads the data's terminator so, then what follows).
        var position = frame.dataStart, blockEnd = frame.dataStart
        var bits = 0, bitCount = 0
        func nextByte() -> Int? {
            while position >= blockEnd {
                guard blockEnd < data.count else { return nil }
                let size = Int(data[blockEnd])
                guard blockEnd + size < data.count else { return nil }
                position = blockEnd + 1
                blockEnd = position + size
            }
            defer { position += 1 }
            return Int(data[position])
        }
        /// Whether `code` is a literal or a table entry, so that its string can be read.
        func isDefined(_ code: Int) -> Bool { code < clear || (code > end && code < min(next, tableSize)) }

        while emitted < pixelCount {
            while bitCount < codeSize {
                guard let byte = nextByte() else {
                    throw fail("the GIF image data is truncated (\(emitted) of \(pixelCount) pixels)")
                }
                bits |= byte << bitCount
                bitCount += 8
            }
            let code = bits & ((1 << codeSize) - 1)
            bits >>= codeSize
            bitCount -= codeSize
            if code == clear {
                codeSize = frame.minimumCodeSize + 1
                next = clear + 2
                previous = -1
                continue
            }
            if code == end {
                throw fail("the GIF image data is truncated (its end code comes after \(emitted) of \(pixelCount) pixels)")
            }
            // The string to emit: `code`'s, or for the code being defined (`next`), the previous
            // string and its own first index.
            let isNext = previous >= 0 && code == next
            let source = isNext ? previous : code
            guard isDefined(source), previous >= 0 || code < clear else {
                throw fail("the GIF image data is corrupt (code \(code) not yet defined)")
            }
            var top = 0
            if isNext { stack[0] = first[previous]; top = 1 }
            var current = source
            while true {
                stack[top] = suffix[current]
                top += 1
                if length[current] <= 1 { break }
                current = Int(prefix[current])
            }
            while top > 0 && emitted < pixelCount {
                top -= 1
                emit(emitted, stack[top])
                emitted += 1
            }
            if previous >= 0 && next < tableSize {
                // previous's string and the first index of this one; the width grows once the
                // new entry is the largest code it holds (Pillow's rule).
                prefix[next] = UInt16(previous); suffix[next] = first[source]
                first[next] = first[previous]; length[next] = length[previous] &+ 1
                if next == (1 << codeSize) - 1 && codeSize < 12 { codeSize += 1 }
                next += 1
            }
            previous = code
        }
    }
}
