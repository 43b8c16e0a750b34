import Foundation
import FuzzSupport
import MLPLab

/// The image decode path on arbitrary bytes: format by magic bytes, each decoder's header check
/// and pixel cap, decode, gray conversion. Seeds (fuzz/corpus/image) cover every decoder: JPEG
/// (libjpeg-turbo: 4:2:0, progressive, gray, CMYK, trailing bytes), WebP (lossy, lossless with
/// alpha, animated), TIFF (LZW, JPEG, group 4, 16-bit, palette, CMYK), GIF (ours: interlaced,
/// transparent), PGM/PPM/PBM (ours: maxval, ASCII), 16-bit BMP, 16-bit PNG, stb's PNG/BMP/TGA.
/// The pixel cap is small so that huge claimed sizes are refused quickly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImage(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    // The header-only reader ImageFolder sizes folders with, on every input.
    _ = GrayImage.dimensions(of: bytes)
    if let image = try? GrayImage.decode(bytes, path: "fuzz", maximumPixels: 1 << 20) {
        precondition(image.pixels.count == image.width * image.height, "decoded size mismatch")
        _ = try? image.resized(width: 7, height: 5, path: "fuzz")
    }
    return 0
}

/// SwiftPM links an executable's `main` to `FuzzImage_main`: hand control to libFuzzer.
@_cdecl("FuzzImage_main")
public func FuzzImageMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzzImage(UnsafeRawPointer($0), size) } ?? 0 }
}
