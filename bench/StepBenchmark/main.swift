// Training-step benchmark: samples/s of one SGD step, the GFLOP/s of its products, and the heap
// allocations it makes.
//
//   swift run -c release step-benchmark [--threads N] [--steps N] [--precision f32|bf16|bf16-emulated]
//   step-benchmark --profile sgd|momentum [--steps N]     # only the assignment's step, N times, for perf
//
// For each model (the assignment's 4800-3600-2400-1200-52 and Fashion-MNIST's 784-588-392-196-10)
// at batch 64, on random preloaded data, with plain SGD (the assignment's) and with momentum 0.9:
//   - the time of a full training step (gather, forward, loss, backward, update) as training
//     runs it, with the `ComputePlan` it measures for this machine ("plan": each weight's
//     orientation, which updates are fused), with the standard plan (every weight [in, out],
//     updates fused by the shape rule), and with every weight [in, out] or [out, in], nothing fused;
//   - the time of the step's products alone (3 per layer in the plan's orientations, the first
//     layer's input gradient skipped as in training), each timed on its own with the same engine,
//     and the step's share of it; the step's rate against this run's 2048³ product ("of best");
//   - heap allocations per step (every thread and library, counted by bench/AllocationCounter).
// Medians over the steps; the machine is shared, so compare figures from one run only.
// With --precision bf16 the products alone are timed on weights converted beforehand (the engine's
// kernel rate), so the step's share shows what converting them costs; on a CPU without BF16 the
// precision falls back to float32, as training does, and the benchmark says so.
// Then the forward pass alone at 256 and 1024 rows (evaluation's batch), the kernel oneDNN chose for each of the step's products, and last the time of converting each model's parameters to bf16 (what a bf16 step adds per weight
// conversion; it needs no BF16 instructions, so it is measured on any CPU) and the memory rate
// that pass reaches (4 bytes read + 2 written per parameter).
import AllocationCounter
import Foundation
import MLPLab

var threads = ProcessInfo.processInfo.activeProcessorCount
var steps = 30
var requestedPrecision = Precision.float32
var profiledMomentum: Double?  // --profile: run the assignment's step alone, with this momentum
var arguments = CommandLine.arguments.dropFirst().makeIterator()
func usage() -> Never {
    FileHandle.standardError.write(Data("usage: step-benchmark [--threads N] [--steps N] [--precision f32|bf16|bf16-emulated] [--profile sgd|momentum]\n".utf8))
    exit(64)
}
while let argument = arguments.next() {
    let value = arguments.next() ?? ""
    switch (argument, Int(value), Precision(rawValue: value)) {
    case ("--threads", let count?, _) where count >= 1: threads = count
    case ("--steps", let count?, _) where count >= 1: steps = count
    case ("--precision", _, let precision?): requestedPrecision = precision
    case ("--profile", _, _) where value == "sgd": profiledMomentum = 0
    case ("--profile", _, _) where value == "momentum": profiledMomentum = 0.9
    default: usage()
    }
}
let (precision, precisionNote) = MatMul.resolve(requestedPrecision)

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

MatMul.setThreadCount(threads)  // before the products-alone timings, which run first
let cpu = CPUInfo.current()
print("cpu     \(cpu.summary)")
print("engine  \(MatMul.engineVersion) (\(MatMul.instructionSet)), \(threads) threads, batch 64, \(steps) steps, medians")
print("precision \(precision.rawValue)\(precisionNote.map { " (asked for \(requestedPrecision.rawValue): \($0))" } ?? "")")

// --profile: the assignment's step alone (fused where `UpdatePlan` says, as training runs it), so
// that `perf record` sees nothing else: perf record -g .build/release/step-benchmark --profile sgd --steps 200
if let momentum = profiledMomentum {
    let configuration = ModelConfiguration(inputSize: 4800, hiddenSizes: [3600, 2400, 1200], classCount: 52)
    var generator = RandomGenerator(seed: 1, stream: .samples)
    let count = 4096
    let dataset = Dataset(name: "random", classNames: (0..<52).map { "c\($0)" }, imageWidth: 4800, imageHeight: 1,
                          pixels: (0..<(count * 4800)).map { _ in UInt8(truncatingIfNeeded: generator.next()) },
                          labels: (0..<count).map { Int32($0 % 52) })
    var trainingConfiguration = TrainingConfiguration()
    trainingConfiguration.threads = threads
    trainingConfiguration.precision = precision
    trainingConfiguration.optimizer = OptimizerConfiguration(learningRate: 0.001, momentum: momentum)
    let run = TrainingRun(dataset: dataset, split: DatasetSplit(train: Array(0..<count), validation: [], test: []),
                          model: configuration, configuration: trainingConfiguration,
                          compute: .measured(model: configuration, training: trainingConfiguration, rows: 64))
    let clock = ContinuousClock()
    let order = Array(0..<count)
    var times: [Double] = []
    for s in 0..<(steps + 3) {
        let first = s * 64 % count
        let start = clock.now
        try! run.step(order[first..<(first + 64)], learningRate: 0.001)
        if s >= 3 { times.append((clock.now - start).seconds) }
    }
    print(String(format: "profile: %@, momentum %.1f, %d steps, median step %.2f ms",
                 configuration.shapeDescription, momentum, steps, median(times) * 1e3))
    exit(0)
}

print("")
// The same run's best product rate: a square 2048³ product, as `layout-benchmark` and PyTorch's
// figure in BENCHMARKS.md time it.
let best = MatMulBenchmark.gigaflops(m: 2048, n: 2048, k: 2048, repeats: max(5, steps / 3), engine: MatMul(precision: precision))
print(String(format: "2048³ product: %.1f GFLOP/s (this run's best product rate; \"of best\" below is the step's rate against it)", best))
print("")
print("model                       optimizer      plan ms  standard ms  [in,out] ms  [out,in] ms  products ms  products/step  samples/s  step GFLOP/s  of best  allocs/step")

let batch = 64
var kernelLines: [String] = []
var evaluationLines: [String] = []
var planLines: [String] = []
for (inputSize, hidden, classes) in [(4800, [3600, 2400, 1200], 52), (784, [588, 392, 196], 10)] {
    let configuration = ModelConfiguration(inputSize: inputSize, hiddenSizes: hidden, classCount: classes)
    // Random bytes as images: speed does not depend on the values.
    var generator = RandomGenerator(seed: 1, stream: .samples)
    let count = 4096
    let pixels = (0..<(count * inputSize)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let labels = (0..<count).map { Int32($0 % classes) }
    let dataset = Dataset(name: "random", classNames: (0..<classes).map { "c\($0)" }, imageWidth: inputSize, imageHeight: 1,
                          pixels: pixels, labels: labels)
    let split = DatasetSplit(train: Array(0..<count), validation: [], test: [])

    // The plan training takes on this machine (measured once, kept in the cache), for plain SGD.
    var sgdTraining = TrainingConfiguration()
    sgdTraining.threads = threads
    sgdTraining.precision = precision
    sgdTraining.optimizer = OptimizerConfiguration(learningRate: 0.001)
    let measuredPlan = ComputePlan.measured(model: configuration, training: sgdTraining, rows: batch)
    planLines.append("\(configuration.shapeDescription), plain SGD: \(measuredPlan.summary)")

    // The step's products in the plan's orientations, timed alone with a fresh engine (its own
    // primitive cache): forward x·S or x·Wᵀ, weight gradient xᵀ·dz or dzᵀ·x, and the input
    // gradient dz·Sᵀ or dz·W for all but the first layer (see WeightOrientation).
    let engine = MatMul(precision: precision)
    var productSeconds = 0.0
    var flops = 0.0
    let sizes = configuration.layerSizes
    for (index, (n, m)) in zip(sizes, sizes.dropFirst()).enumerated() {
        let inOut = measuredPlan.weightOrientations[index] == .inOut
        var shapes: [(Int, Int, Int, Bool, Bool)] = [(batch, m, n, false, !inOut), inOut ? (n, m, batch, true, false) : (m, n, batch, true, false)]
        if index > 0 { shapes.append((batch, n, m, false, inOut)) }
        for (rows, columns, inner, transposeA, transposeB) in shapes {
            let rate = MatMulBenchmark.gigaflops(m: rows, n: columns, k: inner, transposeA: transposeA, transposeB: transposeB,
                                                 repeats: steps, engine: engine)
            let work = 2 * Double(rows) * Double(columns) * Double(inner)
            flops += work
            productSeconds += work / (rate * 1e9)
        }
    }

    // The kernels oneDNN picked for the step's products as training calls them (bias and ReLU
    // in the forward, the fused update's scale and sum in the weight gradient): a "ref:" kernel
    // would be oneDNN's slow reference code, worth knowing before reading the speeds.
    var kernels: [String: Int] = [:]
    for (index, (n, m)) in zip(sizes, sizes.dropFirst()).enumerated() {
        kernels["forward " + engine.implementationName(m: batch, n: m, k: n, bias: true,
                                                       activation: index < hidden.count ? Activation.relu.elementwise : nil), default: 0] += 1
        kernels["weight gradient " + engine.implementationName(m: n, n: m, k: batch, transposeA: true), default: 0] += 1
        kernels["fused update " + engine.implementationName(m: n, n: m, k: batch, transposeA: true, scale: -0.001, accumulate: 1),
                default: 0] += 1
        if index > 0 { kernels["input gradient " + engine.implementationName(m: batch, n: n, k: m, transposeB: true), default: 0] += 1 }
    }
    kernelLines.append("\(configuration.shapeDescription): " + kernels.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
        .joined(separator: ", "))

    // Evaluation's forward passes (bias and ReLU fused, as `TrainingRun.evaluate` runs them) in
    // batches of 256 and 1024 rows: why evaluation uses larger batches than training.
    for rows in [256, 1024] {
        let model = MLP(configuration: configuration)
        model.initialize(seed: 1)
        let workspace = Workspace(configuration: configuration, capacity: rows, precision: precision)
        let forwardEngine = MatMul(precision: precision)
        for i in 0..<workspace.input.count { workspace.input.base[i] = Float(i % 255) / 255 }
        let clock = ContinuousClock()
        var times: [Double] = []
        for iteration in 0...max(3, steps / 4) {
            let start = clock.now
            model.forward(workspace, rows: rows, engine: forwardEngine)
            if iteration > 0 { times.append((clock.now - start).seconds) }
        }
        let seconds = median(times)
        let forwardFlops = 2 * Double(rows) * Double(configuration.parameterCount - sizes.dropFirst().reduce(0, +))
        evaluationLines.append(String(format: "%@  %4d%@  %9.0f  %8.1f",
                                      configuration.shapeDescription.padding(toLength: 26, withPad: " ", startingAt: 0), rows,
                                      rows == TrainingRun.evaluationBatch ? " (evaluation's)" : "               ",
                                      Double(rows) / seconds, forwardFlops / seconds / 1e9))
    }

    for (name, momentum) in [("sgd", 0.0), ("momentum 0.9", 0.9)] {
        var trainingConfiguration = TrainingConfiguration()
        trainingConfiguration.threads = threads
        trainingConfiguration.precision = precision
        trainingConfiguration.optimizer = OptimizerConfiguration(learningRate: 0.001, momentum: momentum)

        /// Median step time and allocations per step (after 3 warm-up steps that make the primitives).
        func measure(_ plan: ComputePlan) -> (seconds: Double, allocations: Double) {
            let run = TrainingRun(dataset: dataset, split: split, model: configuration, configuration: trainingConfiguration,
                                  compute: plan)
            let clock = ContinuousClock()
            var times: [Double] = []
            times.reserveCapacity(steps)
            var allocations: Int64 = 0
            let order = Array(0..<count)
            for s in 0..<(steps + 3) {
                let indices = order[(s * batch % count)..<(s * batch % count + batch)]
                let start = clock.now
                if s >= 3 { allocation_counter_start() }
                try! run.step(indices, learningRate: 0.001)  // alone, a step cannot throw
                if s >= 3 {
                    allocations += allocation_counter_stop()
                    times.append((clock.now - start).seconds)
                }
            }
            return (median(times), Double(allocations) / Double(steps))
        }
        // The plan as training measures it for this optimizer (momentum never fuses), the
        // standard plan (every weight [in, out], fused by the shape rule), and each orientation
        // alone with nothing fused.
        let plan = momentum == 0 ? measuredPlan : ComputePlan.measured(model: configuration, training: trainingConfiguration, rows: batch)
        let planned = measure(plan)
        let standard = measure(.standard(model: configuration, rows: batch))
        let inOut = measure(.uniform(.inOut, layers: sizes.count - 1))
        let outIn = measure(.uniform(.outIn, layers: sizes.count - 1))
        let model = configuration.shapeDescription.padding(toLength: 26, withPad: " ", startingAt: 0)
        print(String(format: "%@  %@  %7.2f  %11.2f  %11.2f  %11.2f  %11.2f  %12.0f%%  %9.0f  %12.1f  %6.0f%%  %11.1f",
                     model, name.padding(toLength: 13, withPad: " ", startingAt: 0),
                     planned.seconds * 1e3, standard.seconds * 1e3, inOut.seconds * 1e3, outIn.seconds * 1e3,
                     productSeconds * 1e3, productSeconds / planned.seconds * 100,
                     Double(batch) / planned.seconds, flops / planned.seconds / 1e9, flops / planned.seconds / 1e9 / best * 100,
                     planned.allocations))
    }
}

print("")
print("plans (ComputePlan.measured; timings kept in \(DatasetCache.defaultDirectory)/compute-timings)")
for line in planLines { print("  " + line) }

print("")
print("forward only                rows                  samples/s   GFLOP/s")
for line in evaluationLines { print(line) }

print("")
print("kernels (oneDNN's choice per product, as training calls them)")
for line in kernelLines { print("  " + line) }

print("")
print("model                       parameters  to bf16 ms  GB/s")
for (inputSize, hidden, classes) in [(4800, [3600, 2400, 1200], 52), (784, [588, 392, 196], 10)] {
    let configuration = ModelConfiguration(inputSize: inputSize, hiddenSizes: hidden, classCount: classes)
    let count = configuration.parameterCount
    let parameters = FloatBuffer(count: count)
    for i in 0..<count { parameters.base[i] = Float(i % 1000) * 0.001 }
    let converted = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
    defer { converted.deallocate() }
    let clock = ContinuousClock()
    var times: [Double] = []
    for iteration in 0...steps {
        let start = clock.now
        BFloat16.convert(parameters.base, to: converted, count: count, threads: threads)
        if iteration > 0 { times.append((clock.now - start).seconds) }
    }
    let seconds = median(times)
    print(String(format: "%@  %10d  %10.2f  %4.1f", configuration.shapeDescription.padding(toLength: 26, withPad: " ", startingAt: 0),
                 count, seconds * 1e3, 6 * Double(count) / seconds / 1e9))
}
