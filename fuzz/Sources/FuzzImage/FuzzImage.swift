import Foundation
import FuzzSupport
import MLPLab

/// The image decode path (header check with stbi_info, pixel cap, decode, gray conversion) on
/// arbitrary bytes, with a small pixel cap so that huge claimed sizes are refused quickly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImage(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    if let image = try? GrayImage.decode(bytes, path: "fuzz", maximumPixels: 1 << 20) {
        precondition(image.pixels.count == image.width * image.height, "decoded size mismatch")
        _ = image.resized(width: 7, height: 5)
    }
    return 0
}

/// SwiftPM links an executable's `main` to `FuzzImage_main`: hand control to libFuzzer.
@_cdecl("FuzzImage_main")
public func FuzzImageMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzzImage(UnsafeRawPointer($0), size) } ?? 0 }
}
