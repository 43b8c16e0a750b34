import Foundation
import FuzzSupport
import MLPLab

/// What `mlplab predict` and `evaluate` do with a model file, on arbitrary bytes: the file is
/// read by `Classifier(contentsOf:)` (safetensors, metadata checked against the tensors, the
/// memory the model needs weighed before it is built), here with a 64 MB budget so that a file
/// claiming a huge model is refused instead of exhausting the fuzzer's memory. An accepted model
/// is built and classifies an image of its size. Seeds: model files `mlplab train` wrote, and
/// files whose metadata claims absurd shapes (issue 14 #4).
let path = "/dev/shm/mlplab-fuzz-modelfile-\(getpid()).safetensors"
let budget = 64.0 * 1024 * 1024

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FileManager.default.createFile(atPath: path, contents: Data(bytes: start, count: count))
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard let classifier = try? Classifier(contentsOf: path, threads: 1, availableMemory: budget) else { return 0 }
    precondition(MemoryBudget.classifierBytes(model: classifier.model.configuration) <= budget, "a model over budget was built")
    precondition(classifier.featureCount == classifier.model.configuration.inputSize, "the image size is not the input size")
    let image = GrayImage(width: classifier.imageWidth, height: classifier.imageHeight,
                          pixels: [UInt8](repeating: 128, count: classifier.featureCount))
    let ranked = try! classifier.top(3, of: [image])
    precondition(ranked.count == 1 && ranked[0].count == min(3, classifier.classCount), "wrong ranking size")
    return 0
}

/// SwiftPM links an executable's `main` to `FuzzModelFile_main`: hand control to libFuzzer.
@_cdecl("FuzzModelFile_main")
public func FuzzModelFileMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzzModelFile(UnsafeRawPointer($0), size) } ?? 0 }
}
