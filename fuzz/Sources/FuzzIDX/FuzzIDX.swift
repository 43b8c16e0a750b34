import Foundation
import FuzzSupport
import MLPLab

/// The IDX reader on arbitrary bytes (plain or gzip), through a file as users give them.
/// Any outcome but a crash, a hang or a memory error is fine: valid files parse, others throw.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let path = "/dev/shm/mlplab-fuzz-idx-\(getpid())"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: start, count: count))
    defer { try? FileManager.default.removeItem(atPath: path) }
    if let file = try? IDXFile(path: path) {
        precondition(file.bytes.count == file.dimensions.reduce(1, *), "IDX payload does not match its dimensions")
    }
    return 0
}

/// SwiftPM links an executable's `main` to `FuzzIDX_main`: hand control to libFuzzer.
@_cdecl("FuzzIDX_main")
public func FuzzIDXMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzzIDX(UnsafeRawPointer($0), size) } ?? 0 }
}
