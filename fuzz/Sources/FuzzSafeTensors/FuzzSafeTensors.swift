import Foundation
import FuzzSupport
import MLPLab

/// The safetensors reader and the model-file checks on arbitrary bytes. A file that parses must
/// round-trip: encoding it again and reading that gives the same tensors.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let file = try? SafeTensors(data: data, path: "fuzz.safetensors") else { return 0 }
    _ = try? ModelFile(file, path: "fuzz.safetensors")
    if let again = try? SafeTensors(data: file.encoded(), path: "again") {
        precondition(Set(again.tensors.map(\.name)) == Set(file.tensors.map(\.name)), "round trip lost tensors")
    }
    return 0
}

/// SwiftPM links an executable's `main` to `FuzzSafeTensors_main`: hand control to libFuzzer.
@_cdecl("FuzzSafeTensors_main")
public func FuzzSafeTensorsMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzzSafeTensors(UnsafeRawPointer($0), size) } ?? 0 }
}
