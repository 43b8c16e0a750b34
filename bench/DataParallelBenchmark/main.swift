// Data-parallel benchmark: what one training step costs in compute and in summing its gradient,
// the two figures BENCHMARKS.md's scaling model is built from (bench/scaling_model.py).
//
//   .build/release/data-parallel-benchmark [--steps N] [--threads N]              # alone: compute
//   mpirun -np 2 .build/release/data-parallel-benchmark [--steps N] --threads 1    # 2 ranks: + allreduce
//
// Alone, for each model (the assignment's 4800-3600-2400-1200-52 and Fashion-MNIST's
// 784-588-392-196-10), plain SGD on random preloaded data: the step as a data-parallel rank runs
// it (update not fused), at 8 … 1024 rows: the compute a node does for its share of a batch.
// Under mpirun: for global batches 64, 256 and 1024, the data-parallel step (each rank its share,
// gradient summed layer by layer while the backward goes on), then the sum of the whole gradient
// alone (one blocking allreduce) and layer by layer without compute (nonblocking, as the step
// starts them). Medians; rank 0 prints. The machine is shared: compare figures from one run only.
import Foundation
import MLPLab

var threads = ProcessInfo.processInfo.activeProcessorCount
var steps = 10
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch (argument, arguments.next().flatMap { Int($0) }) {
    case ("--threads", let count?) where count >= 1: threads = count
    case ("--steps", let count?) where count >= 1: steps = count
    default:
        FileHandle.standardError.write(Data("usage: data-parallel-benchmark [--steps N] [--threads N]\n".utf8))
        exit(64)
    }
}

let communicator = try Communicator.start()
let rank = communicator?.rank ?? 0
let size = communicator?.size ?? 1
func say(_ text: String) { if rank == 0 { print(text) } }
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let clock = ContinuousClock()
/// Median seconds of `body` over `steps` calls after two warm-up calls.
@MainActor func timed(_ body: () throws -> Void) throws -> Double {
    var times: [Double] = []
    for call in 0..<(steps + 2) {
        try communicator?.barrier()
        let start = clock.now
        try body()
        if call >= 2 { times.append((clock.now - start).seconds) }
    }
    return median(times)
}

say("cpu     \(CPUInfo.current().summary)")
say("engine  \(MatMul.engineVersion) (\(MatMul.instructionSet)), \(threads) thread\(threads == 1 ? "" : "s") per process, \(size) process\(size == 1 ? "" : "es"), \(steps) steps, medians")
say("")
for (inputSize, hidden, classes) in [(4800, [3600, 2400, 1200], 52), (784, [588, 392, 196], 10)] {
    let model = ModelConfiguration(inputSize: inputSize, hiddenSizes: hidden, classCount: classes)
    let count = 4096
    var generator = RandomGenerator(seed: 1, stream: .samples)
    let pixels = (0..<(count * inputSize)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let dataset = Dataset(name: "random", classNames: (0..<classes).map { "c\($0)" }, imageWidth: inputSize, imageHeight: 1,
                          pixels: pixels, labels: (0..<count).map { Int32($0 % classes) })
    let split = DatasetSplit(train: Array(0..<count), validation: [], test: [])
    let order = Array(0..<count)
    let gradientBytes = Double(model.parameterCount * 4)
    say("\(model.shapeDescription): \(model.parameterCount) parameters, gradient \(String(format: "%.1f", gradientBytes / 1e6)) MB")

    func run(batch: Int, communicator: Communicator?) -> TrainingRun {
        var training = TrainingConfiguration()
        training.threads = threads
        training.batchSize = batch
        training.optimizer = OptimizerConfiguration(learningRate: 0.001)
        return TrainingRun(dataset: dataset, split: split, model: model, configuration: training, fuseUpdates: false,
                           communicator: communicator)
    }
    if size == 1 {
        say("  rows   step ms   samples/s")
        for rows in [8, 16, 32, 64, 128, 256, 512, 1024] {
            let training = run(batch: rows, communicator: nil)
            var s = 0
            let seconds = try timed {
                try training.step(order[(s * rows % count)..<(s * rows % count + rows)], learningRate: 0.001)
                s += 1
            }
            say(String(format: "  %4d  %8.2f  %10.0f", rows, seconds * 1000, Double(rows) / seconds))
        }
    } else {
        say("  batch  step ms  samples/s  allreduce ms (blocking, whole gradient)  layer by layer ms (nonblocking, no compute)  GB/s (bytes/blocking time)")
        for batch in [64, 256, 1024] {
            let training = run(batch: batch, communicator: communicator)
            var s = 0
            let seconds = try timed {
                try training.step(order[(s * batch % count)..<(s * batch % count + batch)], learningRate: 0.001)
                s += 1
            }
            let gradients = training.workspace.gradients
            let blocking = try timed { try communicator!.sumInPlace(gradients.buffer) }
            let parallel = training.parallel!
            let layered = try timed {
                for (index, layer) in training.model.layers.enumerated().reversed() {
                    parallel.gradientsReady(layer: index, range: layer.offset..<layer.biasRange.upperBound, gradients: gradients)
                }
                try parallel.finishSums()
            }
            let layeredBlocking = try timed {
                for layer in training.model.layers.reversed() {
                    try communicator!.sumInPlace(UnsafeMutableBufferPointer(start: gradients.base + layer.offset, count: layer.parameterCount))
                }
            }
            say(String(format: "  %5d  %7.2f  %9.0f  %39.2f  %43.2f  %6.2f   blocking per layer %.2f", batch, seconds * 1000, Double(batch) / seconds,
                       blocking * 1000, layered * 1000, gradientBytes / blocking / 1e9, layeredBlocking * 1000))
        }
    }
    say("")
}
communicator?.finish()
