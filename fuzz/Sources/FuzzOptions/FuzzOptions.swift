import Foundation
import FuzzSupport
import MLPLab

/// The parsers behind the CLI's list and range options, on arbitrary text: `sweep --lr`-style value
/// lists and ranges, `--hidden` widths, `--resize` sizes. Whatever they accept must be what the
/// options promise: finite values, at most 1,000 of them from a range, widths in 1…1,000,000,
/// sizes in 1…65,536.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOptions(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    if let values = try? ValueList.parse(text) {
        precondition(!values.isEmpty && values.allSatisfy(\.isFinite), "ValueList accepted '\(text)' as \(values)")
        precondition(!text.contains(":") || values.count <= ValueList.maximumCount, "a range gave \(values.count) values")
        precondition(!text.contains(":") || zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "a range that does not increase: \(values)")
    }
    if let widths = ModelConfiguration.parseHiddenSizes(text) {
        precondition(!widths.isEmpty && widths.allSatisfy { (1...ModelConfiguration.maximumWidth).contains($0) }, "widths \(widths)")
    }
    if let size = ImageSize(text) {
        precondition((1...65_536).contains(size.width) && (1...65_536).contains(size.height), "size \(size)")
    }
    return 0
}

/// SwiftPM links an executable's `main` to `FuzzOptions_main`: hand control to libFuzzer.
@_cdecl("FuzzOptions_main")
public func FuzzOptionsMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzzOptions(UnsafeRawPointer($0), size) } ?? 0 }
}
