import Foundation
import FuzzSupport
import MLPLab

/// What `mlplab train --resume` reads from a run folder, on arbitrary bytes: the bytes as a
/// checkpoint (safetensors + state) for a small fixed model, and as config.json (decoded and
/// checked as `RunFolder.readRecord` does) / result.json.
/// A checkpoint that is accepted is restored into a training, which must then train on without
/// trapping (the state is untrusted: counts, epochs and best epoch come from the file).
let model = ModelConfiguration(inputSize: 6, hiddenSizes: [3], classCount: 2)
let dataset = Dataset(name: "fuzz", classNames: ["a", "b"], imageWidth: 3, imageHeight: 2,
                      pixels: (0..<(16 * 6)).map { UInt8(truncatingIfNeeded: $0 * 37) }, labels: (0..<16).map { Int32($0 % 2) })
let split = DatasetSplit(train: Array(0..<12), validation: [12, 13], test: [14, 15])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunFolder(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    if let record = try? JSONCoding.decode(RunRecord.self, from: data) { _ = try? record.validate() }
    _ = try? JSONCoding.decode(RunResult.self, from: data)
    guard let file = try? SafeTensors(data: data, path: "checkpoint.safetensors") else { return 0 }
    for hasMomentum in [false, true] {
        guard let checkpoint = try? TrainingCheckpoint(file: file, path: "checkpoint.safetensors", configuration: model, hasMomentum: hasMomentum) else { continue }
        var configuration = TrainingConfiguration()
        configuration.epochs = checkpoint.state.history.count + 1
        configuration.batchSize = 4
        configuration.patience = 1
        configuration.optimizer = SGDConfiguration(learningRate: 0.01, momentum: hasMomentum ? 0.9 : 0)
        let run = TrainingRun(dataset: dataset, split: split, model: model, configuration: configuration)
        run.restore(checkpoint)
        try? run.train()
    }
    return 0
}

/// SwiftPM links an executable's `main` to `FuzzRunFolder_main`: hand control to libFuzzer.
@_cdecl("FuzzRunFolder_main")
public func FuzzRunFolderMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzzRunFolder(UnsafeRawPointer($0), size) } ?? 0 }
}
