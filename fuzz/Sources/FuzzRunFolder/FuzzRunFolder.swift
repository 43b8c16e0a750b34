import Foundation
import FuzzSupport
import MLPLab

/// What `mlplab train --resume`, `evaluate` and a study read from a run folder, on arbitrary
/// bytes, through the calls the tool makes, in a real run folder (in /dev/shm):
/// - as config.json: `RunFolder.readRecord` and `RunFiles.record(in:)`; an accepted record is
///   described, hashed, weighed (`MemoryBudget`), split, and, when it is small, trained on data
///   of its shape by `Training.run`, as a resume would;
/// - as result.json: `RunFolder.readResult`; an accepted result is rendered as a run's report;
/// - as checkpoint.safetensors: `RunFolder.readCheckpoint` for a 784-8-10 run with and without
///   momentum (the seeds are checkpoints `mlplab train` wrote); an accepted one is restored and
///   trained on.
/// Any outcome but a crash, a hang or a memory error is fine: what is accepted must be usable.
let folderPath = "/dev/shm/mlplab-fuzz-runfolder-\(getpid())"
nonisolated(unsafe) let folder = try! RunFolder(path: folderPath)
let removeFolder: Void = { atexit { try? FileManager.default.removeItem(atPath: folderPath) } }()
/// 100 images of 28×28, ten of each class: enough for a stratified split with validation.
let dataset = Dataset(name: "fuzz", classNames: (0..<10).map { "class \($0)" }, imageWidth: 28, imageHeight: 28,
                      pixels: (0..<(100 * 784)).map { UInt8(truncatingIfNeeded: $0 &* 37) }, labels: (0..<100).map { Int32($0 % 10) })

/// The run whose checkpoints the corpus holds: 784-8-10, validation 0.1, three epochs.
func record(momentum: Double) -> RunRecord {
    var data = DataConfiguration()
    data.validationFraction = 0.1
    var training = TrainingConfiguration()
    training.epochs = 3
    training.batchSize = 4
    training.optimizer = OptimizerConfiguration(learningRate: 0.01, momentum: momentum)
    return RunRecord(data: data, dataset: dataset, model: ModelConfiguration(inputSize: 784, hiddenSizes: [8], classCount: 10), training: training)
}
let records = [record(momentum: 0), record(momentum: 0.9)]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunFolder(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    _ = removeFolder
    asConfiguration(data)
    asResult(data)
    asCheckpoint(data)
    return 0
}

func asConfiguration(_ data: Data) {
    try! folder.write(data, to: .config)
    _ = try? RunFiles.record(in: folderPath)
    guard let record = try? folder.readRecord() else { return }
    _ = record.modelDescription + record.trainingDescription + record.configurationKey + record.model.shapeDescription
    precondition(record.firstDifference(from: record) == nil, "a record differs from itself")
    _ = record.model.parameterCount
    _ = record.model.namedParameterCounts
    _ = MemoryBudget.trainingBytes(model: record.model, training: record.training, validation: record.data.validationFraction > 0)
    _ = record.training.schedule.learningRate(base: record.training.optimizer.learningRate, epoch: record.training.epochs,
                                              epochs: record.training.epochs)
    _ = try? DatasetSplit.make(for: dataset, data: record.data, seed: record.training.seed)
    // A resume of a small record on data of its shape, as `train --resume` would run it.
    guard record.model.inputSize == 784, record.model.classCount == 10, record.model.parameterCount <= 100_000,
          record.training.epochs <= 3, record.training.threads <= 2 else { return }
    _ = try? Training.run(record, on: dataset)
}

func asResult(_ data: Data) {
    try! folder.write(data, to: .result)
    guard let result = try? folder.readResult() else { return }
    _ = RunReport.markdown(result, name: "fuzz")
    _ = RunReport.lossChart(result, name: "fuzz").svg
    _ = RunReport.perClassChart(result, name: "fuzz").svg
    _ = ConfusionMatrixChart(title: "fuzz", classNames: result.record.classNames, counts: result.testConfusion).svg
    _ = SweepReport.status(result)
    _ = result.record.engineDescription(precision: result.productPrecision)
}

func asCheckpoint(_ data: Data) {
    try! folder.write(data, to: .checkpoint)
    for record in records {
        guard let checkpoint = try? folder.readCheckpoint(for: record),
              let split = try? DatasetSplit.make(for: dataset, data: record.data, seed: record.training.seed) else { continue }
        let run = TrainingRun(dataset: dataset, split: split, model: record.model, configuration: record.training)
        run.restore(checkpoint)
        try? run.train()
        _ = run.samplesPerSecond
    }
}

/// SwiftPM links an executable's `main` to `FuzzRunFolder_main`: hand control to libFuzzer.
@_cdecl("FuzzRunFolder_main")
public func FuzzRunFolderMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzzRunFolder(UnsafeRawPointer($0), size) } ?? 0 }
}
