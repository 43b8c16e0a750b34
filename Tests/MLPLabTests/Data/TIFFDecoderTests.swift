import MLPLab
import Testing

/// Tiled TIFFs whose tile rows do not fill whole bytes, beyond the 16×16 tiles of the Pillow
/// fixtures (`ImageFolderTests.grayConversionMatchesPillow`): libtiff reads any tile width, with
/// a warning, and starts each tile row on a byte, so a tile's pixels land inside the image's
/// bytes. The pixels must be the strip layout's, and nothing may be written past a row.
struct TIFFDecoderTests {
    /// An uncompressed little-endian TIFF of `width`×`height` pixels of `samples` samples of
    /// `bits` bits (`values`, row-major, samples interleaved), gray (`samples` 1, black is zero)
    /// or RGB, in tiles of `tile` or, when it is nil, in one strip.
    static func tiff(width: Int, height: Int, bits: Int, samples: Int, values: [Int], tile: (width: Int, height: Int)?) -> [UInt8] {
        /// Rows of `columns` pixels from the image's (x, y) on, each row starting on a byte,
        /// samples most significant bit first (16-bit ones little-endian); zeros outside the image.
        func packed(x: Int, y: Int, columns: Int, rows: Int) -> [UInt8] {
            let rowBytes = (columns * samples * bits + 7) / 8
            var bytes = [UInt8](repeating: 0, count: rowBytes * rows)
            for row in 0..<rows where y + row < height {
                for column in 0..<columns where x + column < width {
                    for sample in 0..<samples {
                        let value = values[((y + row) * width + x + column) * samples + sample]
                        let at = column * samples + sample
                        if bits == 16 {
                            bytes[row * rowBytes + 2 * at] = UInt8(value & 0xFF)
                            bytes[row * rowBytes + 2 * at + 1] = UInt8(value >> 8)
                        } else {
                            let bit = at * bits
                            bytes[row * rowBytes + bit / 8] |= UInt8(value << (8 - bits - bit % 8))
                        }
                    }
                }
            }
            return bytes
        }
        var blocks: [[UInt8]] = []
        if let tile {
            for y in stride(from: 0, to: height, by: tile.height) {
                for x in stride(from: 0, to: width, by: tile.width) {
                    blocks.append(packed(x: x, y: y, columns: tile.width, rows: tile.height))
                }
            }
        } else {
            blocks = [packed(x: 0, y: 0, columns: width, rows: height)]
        }
        let short: UInt16 = 3, long: UInt16 = 4
        var entries: [(tag: UInt16, type: UInt16, values: [Int])] = [
            (256, long, [width]), (257, long, [height]), (258, short, Array(repeating: bits, count: samples)),
            (259, short, [1]), (262, short, [samples == 1 ? 1 : 2]), (277, short, [samples]), (284, short, [1]),
        ]
        // Header, then the blocks, then the IFD, then the IFD's values longer than 4 bytes.
        var offsets: [Int] = []
        var file: [UInt8] = [0x49, 0x49, 42, 0, 0, 0, 0, 0]
        for block in blocks {
            offsets.append(file.count)
            file += block
        }
        if tile != nil {
            entries += [(322, long, [tile!.width]), (323, long, [tile!.height]), (324, long, offsets), (325, long, blocks.map(\.count))]
        } else {
            entries += [(273, long, offsets), (278, long, [height]), (279, long, blocks.map(\.count))]
        }
        entries.sort { $0.tag < $1.tag }
        func little(_ value: Int, _ size: Int) -> [UInt8] { (0..<size).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        let directory = file.count
        file.replaceSubrange(4..<8, with: little(directory, 4))
        var outside = directory + 2 + 12 * entries.count + 4
        var tail: [UInt8] = []
        file += little(entries.count, 2)
        for entry in entries {
            let size = entry.type == short ? 2 : 4
            let bytes = entry.values.flatMap { little($0, size) }
            file += little(Int(entry.tag), 2) + little(Int(entry.type), 2) + little(entry.values.count, 4)
            if bytes.count <= 4 {
                file += bytes + [UInt8](repeating: 0, count: 4 - bytes.count)
            } else {
                file += little(outside, 4)
                tail += bytes
                outside += bytes.count
            }
        }
        return file + little(0, 4) + tail
    }

    /// Gray of each pixel as Pillow converts it: 1/2/4-bit gray scaled by 255/85/17, 16-bit
    /// clipped at 255, RGB (16-bit: high bytes) to luma.
    static func gray(values: [Int], bits: Int, samples: Int) -> [UInt8] {
        stride(from: 0, to: values.count, by: samples).map { at in
            if samples == 1 { return bits == 16 ? UInt8(min(values[at], 255)) : UInt8(values[at] * (255 / ((1 << bits) - 1))) }
            let rgb = values[at..<(at + 3)].map { UInt8(bits == 16 ? $0 >> 8 : $0) }
            return GrayImage.luma(red: rgb[0], green: rgb[1], blue: rgb[2])
        }
    }

    @Test("the audit's file: 64×1 1-bit pixels in 1×1 tiles decode to 64 white pixels, nothing past the 8-byte row")
    func oneBitPixelsInOnePixelTiles() throws {
        let file = Self.tiff(width: 64, height: 1, bits: 1, samples: 1, values: Array(repeating: 1, count: 64), tile: (1, 1))
        let image = try GrayImage.decode(file, path: "tiles.tif")
        #expect(image.width == 64 && image.height == 1)
        #expect(image.pixels == Array(repeating: 255, count: 64))
    }

    @Test("tiles of width 1, 3, 7 and 16 with 1, 2, 4, 8 and 16-bit samples, gray and RGB, decode as the same image in one strip",
          arguments: [1, 3, 7, 16])
    func oddTileWidthsDecodeAsStrips(tileWidth: Int) throws {
        var generator = RandomGenerator(seed: UInt64(tileWidth), stream: .samples)
        // 37 columns and 5 rows: no tile width divides 37, and tiles of 3 rows leave a partial one.
        let width = 37, height = 5
        for samples in [1, 3] {
            for bits in [1, 2, 4, 8, 16] {
                let values = (0..<(width * height * samples)).map { _ in Int(generator.next() % (1 << UInt64(bits))) }
                let tiled = Self.tiff(width: width, height: height, bits: bits, samples: samples, values: values, tile: (tileWidth, 3))
                let strip = Self.tiff(width: width, height: height, bits: bits, samples: samples, values: values, tile: nil)
                let name = "\(samples) × \(bits)-bit samples, tiles \(tileWidth)×3"
                guard samples == 1 || bits >= 8 else {
                    // Pillow has no mode for RGB of 1, 2 or 4 bits: refused, in tiles as in strips.
                    for file in [tiled, strip] {
                        #expect(throws: DatasetError.self, "\(name)") { try GrayImage.decode(file, path: "x.tif") }
                    }
                    continue
                }
                let expected = Self.gray(values: values, bits: bits, samples: samples)
                let fromStrip = try GrayImage.decode(strip, path: "strip.tif")
                #expect(fromStrip.pixels == expected, "\(name), one strip")
                let fromTiles = try GrayImage.decode(tiled, path: "tiles.tif")
                #expect(fromTiles.width == width && fromTiles.height == height, "\(name)")
                let wrong = zip(fromTiles.pixels, expected).filter { $0 != $1 }.count
                let first = fromTiles.pixels.indices.first { fromTiles.pixels[$0] != expected[$0] } ?? 0
                #expect(wrong == 0, "\(name): \(wrong) pixels differ, the first at (\(first % width), \(first / width))")
            }
        }
    }
}
