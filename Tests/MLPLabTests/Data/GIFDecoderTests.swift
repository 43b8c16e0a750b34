import Foundation
import MLPLab
import Testing

/// GIF files no usual encoder writes, where Pillow parts from the GIF specification or giflib:
/// each file is made here byte by byte, and each expected result is what Pillow 13.0.0's
/// `Image.open(…).convert('L')` gave for the same bytes when the test was written (the test
/// itself needs no Pillow). Pillow is the reference users compare with.
struct GIFDecoderTests {
    /// The palette of most files: index 0 is gray 18, index 1 gray 124 (Pillow's luma).
    static let palette: [UInt8] = [10, 20, 30, 200, 100, 50]
    static let (gray0, gray1): (UInt8, UInt8) = (18, 124)

    /// LZW codes packed least significant bit first, each at the width the decoder reads it.
    static func codes(_ codes: [(code: Int, width: Int)]) -> [UInt8] {
        var bytes: [UInt8] = [], bits = 0, count = 0
        for (code, width) in codes {
            bits |= code << count
            count += width
            while count >= 8 { bytes.append(UInt8(bits & 255)); bits >>= 8; count -= 8 }
        }
        return count > 0 ? bytes + [UInt8(bits)] : bytes
    }

    /// `bytes` as data sub-blocks of up to 255 bytes, then the terminator.
    static func subBlocks(_ bytes: [UInt8]) -> [UInt8] {
        stride(from: 0, to: bytes.count, by: 255).flatMap { start in
            let block = bytes[start..<min(start + 255, bytes.count)]
            return [UInt8(block.count)] + block
        } + [0]
    }

    /// A GIF89a: a `screen`-sized logical screen with `palette` (RGB triples, padded to a power
    /// of two; none if empty) as its global colour table, the blocks `before`, one frame at
    /// `frame` (left, top, width, height) with minimum code size `codeSize` and LZW `data`
    /// (already in sub-blocks), and the trailer.
    static func gif(screen: (Int, Int), palette: [UInt8] = palette, before: [UInt8] = [], frame: (Int, Int, Int, Int),
                    codeSize: Int, data: [UInt8], trailer: Bool = true) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value & 255), UInt8(value >> 8)] }
        let tableBits = palette.isEmpty ? 0 : max(1, (palette.count / 3 - 1).bitWidth - (palette.count / 3 - 1).leadingZeroBitCount)
        let flags: UInt8 = palette.isEmpty ? 0 : 0x80 | UInt8(tableBits - 1)
        let table = palette.isEmpty ? [] : palette + [UInt8](repeating: 0, count: 3 * (1 << tableBits) - palette.count)
        let header = Array("GIF89a".utf8) + u16(screen.0) + u16(screen.1) + [flags, 0, 0] + table + before
        let descriptor = [0x2C] + u16(frame.0) + u16(frame.1) + u16(frame.2) + u16(frame.3) + [0, UInt8(codeSize)]
        return header + descriptor + data + (trailer ? [0x3B] : [])
    }

    /// Why MLPLab refuses `bytes`, or nil when it reads them.
    static func refusal(_ bytes: [UInt8]) -> String? {
        do { _ = try GrayImage.decode(bytes, path: "x.gif"); return nil } catch { return "\(error)" }
    }

    /// The six pixels 1 0 1 1 0 0 at minimum code size 2: clear, then the fourth code on at 4
    /// bits, since the second table entry (7) is the largest 3-bit code.
    static let sixPixels = codes([(4, 3), (1, 3), (0, 3), (1, 3), (1, 4), (0, 4), (0, 4), (5, 4)])
    static let sixGrays = [gray1, gray0, gray1, gray1, gray0, gray0]

    @Test("every minimum code size from 0 to 12 reads a 1-pixel image as Pillow does; 13 is refused naming it")
    func codeSizesZeroToTwelveAreRead() throws {
        for size in 0...13 {
            let clear = 1 << size
            let bytes = Self.gif(screen: (1, 1), palette: [], frame: (0, 0, 1, 1), codeSize: size,
                                 data: Self.subBlocks(Self.codes([(clear, size + 1), (size == 0 ? 0 : 1, size + 1), (clear + 1, size + 1)])))
            if size == 13 {
                #expect(Self.refusal(bytes)?.contains("code size 13") == true, "\(Self.refusal(bytes) ?? "read")")
                continue
            }
            let image = try GrayImage.decode(bytes, path: "x.gif")
            #expect(image.width == 1 && image.height == 1 && image.pixels == [size == 0 ? 0 : 1], "code size \(size)")
        }
    }

    @Test("code size 0 reads 1-bit codes (0 a pixel of index 0, 1 a clear) and too few of them is truncated")
    func codeSizeZeroReadsOneBitCodes() throws {
        let bits = Self.codes([(1, 1), (0, 1), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1)])
        let image = try GrayImage.decode(Self.gif(screen: (3, 2), frame: (0, 0, 3, 2), codeSize: 0, data: Self.subBlocks(bits)), path: "x.gif")
        #expect(image.width == 3 && image.height == 2 && image.pixels == [UInt8](repeating: Self.gray0, count: 6))
        // The one byte holds two clears and 6 pixels; a 5×4 frame needs 20.
        let short = Self.gif(screen: (5, 4), frame: (0, 0, 5, 4), codeSize: 0, data: Self.subBlocks(bits))
        #expect(Self.refusal(short)?.contains("truncated (6 of 20 pixels)") == true, "\(Self.refusal(short) ?? "read")")
    }

    @Test("code size 12 reads 13-bit codes, and a literal above 255 keeps its low byte, as in Pillow")
    func codeSizeTwelveReadsThirteenBitCodes() throws {
        let data = Self.subBlocks(Self.codes([(4096, 13), (5, 13), (300, 13), (3, 13), (4097, 13)]))
        let image = try GrayImage.decode(Self.gif(screen: (3, 1), palette: [], frame: (0, 0, 3, 1), codeSize: 12, data: data), path: "x.gif")
        #expect(image.pixels == [5, 44, 3])  // 300 = 0x12C keeps 0x2C
    }

    @Test("with code size 1, codes stay 2 bits wide for good, as in Pillow (giflib would widen them to 3)")
    func codeSizeOneKeepsTwoBitCodes() throws {
        let white: [UInt8] = [0, 0, 0, 255, 255, 255]
        for withEnd in [false, true] {
            let codes: [(code: Int, width: Int)] = [(2, 2), (0, 2), (1, 2), (1, 2), (0, 2), (1, 2), (0, 2)] + (withEnd ? [(3, 2)] : [])
            let bytes = Self.gif(screen: (6, 1), palette: white, frame: (0, 0, 6, 1), codeSize: 1, data: Self.subBlocks(Self.codes(codes)))
            #expect(try GrayImage.decode(bytes, path: "x.gif").pixels == [0, 255, 255, 0, 255, 0], "end code: \(withEnd)")
        }
    }

    @Test("a first frame 0 pixels wide or high is refused, as Pillow refuses it, even on a screen that has pixels")
    func emptyFrameIsRefused() {
        for (screen, frame) in [((4, 3), (0, 0, 0, 3)), ((4, 3), (0, 0, 4, 0)), ((0, 0), (0, 0, 0, 0)), ((4, 3), (9, 9, 0, 0))] {
            let bytes = Self.gif(screen: screen, frame: frame, codeSize: 2, data: Self.subBlocks(Self.codes([(4, 3), (5, 3)])))
            let reason = Self.refusal(bytes) ?? "read"
            #expect(reason.contains("first frame is \(frame.2)×\(frame.3) pixels"), "screen \(screen), frame \(frame): \(reason)")
            #expect(GrayImage.dimensions(of: bytes) == nil)
        }
    }

    @Test("a frame on a 0×0 screen, or outside the screen, makes the image as large as both; the rest is index 0, or the transparent index")
    func frameOutsideTheScreenEnlargesTheImage() throws {
        let onEmpty = try GrayImage.decode(Self.gif(screen: (0, 0), frame: (0, 0, 2, 3), codeSize: 2, data: Self.subBlocks(Self.sixPixels)), path: "x.gif")
        #expect(onEmpty.width == 2 && onEmpty.height == 3 && onEmpty.pixels == Self.sixGrays)
        let four = Self.subBlocks(Self.codes([(4, 3), (0, 3), (1, 3), (0, 3), (1, 4), (5, 4)]))
        let transparent: [UInt8] = [0x21, 0xF9, 4, 1, 0, 0, 1, 0]
        for before in [[], transparent] {
            let bytes = Self.gif(screen: (4, 3), before: before, frame: (5, 6, 2, 2), codeSize: 2, data: four)
            let image = try GrayImage.decode(bytes, path: "x.gif")
            var expected = [UInt8](repeating: before.isEmpty ? Self.gray0 : Self.gray1, count: 7 * 8)
            expected[6 * 7 + 5] = Self.gray0; expected[6 * 7 + 6] = Self.gray1
            expected[7 * 7 + 5] = Self.gray0; expected[7 * 7 + 6] = Self.gray1
            #expect(image.width == 7 && image.height == 8 && image.pixels == expected, "transparent: \(!before.isEmpty)")
            #expect(GrayImage.dimensions(of: bytes) == ImageSize(width: 7, height: 8))
        }
    }

    @Test("LZW data sub-blocks as Pillow reads them: past an empty one, never from one the file cuts short")
    func subBlocksAsPillowReadsThem() throws {
        let data = Self.sixPixels
        let split = [1, data[0], 0, UInt8(data.count - 1)] + data.dropFirst() + [0]
        let image = try GrayImage.decode(Self.gif(screen: (2, 3), frame: (0, 0, 2, 3), codeSize: 2, data: split), path: "x.gif")
        #expect(image.pixels == Self.sixGrays)
        // All six pixels are in the bytes, but the sub-block claims 5 bytes more than the file has.
        let cut = Self.gif(screen: (2, 3), frame: (0, 0, 2, 3), codeSize: 2, data: [UInt8(data.count + 5)] + data, trailer: false)
        #expect(Self.refusal(cut)?.contains("truncated") == true, "\(Self.refusal(cut) ?? "read")")
        let whole = Self.gif(screen: (2, 3), frame: (0, 0, 2, 3), codeSize: 2, data: [UInt8(data.count)] + data, trailer: false)
        #expect(try GrayImage.decode(whole, path: "x.gif").pixels == Self.sixGrays)
    }

    @Test("blocks before the frame as Pillow reads them: a stray byte is skipped, a graphic control block too short is refused")
    func blocksBeforeTheFrameAsPillowReadsThem() throws {
        func gif(before: [UInt8]) -> [UInt8] {
            Self.gif(screen: (2, 3), before: before, frame: (0, 0, 2, 3), codeSize: 2, data: Self.subBlocks(Self.sixPixels))
        }
        #expect(try GrayImage.decode(gif(before: [0x00, 0x99]), path: "x.gif").pixels == Self.sixGrays)
        #expect(try GrayImage.decode(gif(before: [0x21, 0xF9, 3, 0, 0, 0, 0]), path: "x.gif").pixels == Self.sixGrays)
        let short = gif(before: [0x21, 0xF9, 2, 0, 0, 0])
        #expect(Self.refusal(short)?.contains("graphic control block is 2 bytes") == true, "\(Self.refusal(short) ?? "read")")
    }
}
