import Foundation

/// What `mlplab doctor` says about this machine, line by line: the CPU, the compute engine and
/// its instruction set, the threads, the speed of the assignment's first-layer products with
/// the kernel the engine picks (in f32, and in bf16 where the CPU has it), which of the two
/// number formats trains faster here, the compute plan a training of the assignment's network
/// takes and where its timings are kept, and whether Fashion-MNIST is installed.
///
/// The lines name settings by their configuration keys (`training.precision`), as every
/// library message does, and paths in quotes.
public enum MachineReport {
    /// Measures this machine with `threads` threads and calls `line` with each line as soon as it
    /// is known (timing the products takes a few seconds). The plan's timings are read from, or
    /// measured into, `cacheDirectory` (``ComputePlan/measured(model:training:rows:processes:cacheDirectory:)``);
    /// Fashion-MNIST is looked for in `dataDirectory` (``FashionMNIST/resolveDirectory(_:environment:)``).
    public static func write(threads: Int, dataDirectory: String? = nil,
                             cacheDirectory: String? = DatasetCache.defaultDirectory, to line: (String) -> Void) {
        MatMul.setThreadCount(threads)
        let engine = MatMul()
        line("mlplab   \(MLPLabVersion.string)")
        line("cpu      \(CPUInfo.current().summary)")
        line("engine   \(MatMul.engineVersion), instruction set \(MatMul.instructionSet)")
        line("threads  \(MatMul.threadCount)")
        var ratios: [Double] = []
        for shape in MatMulBenchmark.assignmentFirstLayer {
            let kernel = engine.implementationName(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA, transposeB: shape.transposeB)
            guard let speed = MatMulBenchmark.compareBFloat16(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA,
                                                              transposeB: shape.transposeB) else {
                line(String(format: "%@  %6.1f GFLOP/s  kernel %@", shape.label, MatMulBenchmark.gigaflops(shape, engine: engine), kernel))
                continue
            }
            ratios.append(speed.ratio)
            line(String(format: "%@  %6.1f GFLOP/s, bf16 %6.1f  kernel %@", shape.label, speed.float32, speed.bfloat16, kernel))
        }
        line("bf16     " + bfloat16Verdict(ratios))
        // What a training of the assignment's network does here (measured once, then kept).
        var training = TrainingConfiguration()
        training.threads = MatMul.threadCount
        let assignment = ModelConfiguration(inputSize: 4800, hiddenSizes: [3600, 2400, 1200], classCount: 52)
        let (plan, problem) = ComputePlan.measuredReporting(model: assignment, training: training, rows: training.batchSize,
                                                            cacheDirectory: cacheDirectory)
        let kept = switch (cacheDirectory, problem) {
        case let (directory?, nil): "timings in '\(directory)/compute-timings/timings.json'"
        case let (_, problem?): "not measured: \(problem), so training takes the standard plan"
        case (nil, nil): "not measured: no cache, so training takes the standard plan"
        }
        line("plan     \(assignment.shapeDescription), batch \(training.batchSize), SGD: \(plan.summary) (\(kept))")
        let directory = FashionMNIST.resolveDirectory(dataDirectory)
        line("data     \(FashionMNIST.name): \(FashionMNIST.isPresent(in: directory) ? "found in '\(directory)'" : "not found in '\(directory)' (apt-get install dataset-fashion-mnist)")")
    }

    /// What the measured bf16 ÷ f32 rates of the products say: which format trains faster here.
    public static func bfloat16Verdict(_ ratios: [Double]) -> String {
        guard !ratios.isEmpty else {
            return "no bf16 instructions: training.precision bf16 falls back to f32; bf16-emulated gives its numerics"
        }
        let median = ratios.sorted()[ratios.count / 2]
        let verdict = median < 1
            ? "training.precision bf16 trains slower than f32 here; keep f32 (bf16 pays with AMX)"
            : "training.precision bf16 trains faster here (a step gains less than its products: it also converts every weight)"
        return String(format: "products at %.2f× f32's speed (median of the three above): %@", median, verdict)
    }
}
