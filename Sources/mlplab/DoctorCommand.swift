import ArgumentParser
import Foundation
import MLPLab

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the CPU, the compute engine and the kernel it picks, its measured speed, and the data sets found.",
        discussion: """
            Examples:
              mlplab doctor
              mlplab doctor --threads 1
            """
    )

    @OptionGroup var threadsOption: ThreadsOption

    @OptionGroup var dataDirectory: DataDirectoryOption

    func run() throws {
        let cpu = CPUInfo.current()
        MatMul.setThreadCount(threadsOption.threadCount)
        let engine = MatMul()
        print("mlplab   \(MLPLabVersion.string)")
        print("cpu      \(cpu.summary)")
        print("engine   \(MatMul.engineVersion), instruction set \(MatMul.instructionSet)")
        print("threads  \(MatMul.threadCount)")
        var ratios: [Double] = []
        for shape in MatMulBenchmark.assignmentFirstLayer {
            let kernel = engine.implementationName(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA, transposeB: shape.transposeB)
            guard let speed = MatMulBenchmark.compareBFloat16(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA, transposeB: shape.transposeB) else {
                print(String(format: "%@  %6.1f GFLOP/s  kernel %@", shape.label, MatMulBenchmark.gigaflops(shape, engine: engine), kernel))
                continue
            }
            ratios.append(speed.ratio)
            print(String(format: "%@  %6.1f GFLOP/s, bf16 %6.1f  kernel %@", shape.label, speed.float32, speed.bfloat16, kernel))
        }
        print("bf16     " + DoctorCommand.bfloat16Verdict(ratios))
        // What train does with the assignment's network here (measured once, then kept).
        var training = TrainingConfiguration()
        training.threads = MatMul.threadCount
        let assignment = ModelConfiguration(inputSize: 4800, hiddenSizes: [3600, 2400, 1200], classCount: 52)
        let plan = ComputePlan.measured(model: assignment, training: training, rows: training.batchSize)
        let timings = DatasetCache.defaultDirectory + "/compute-timings/timings.json"
        let kept = FileManager.default.isReadableFile(atPath: timings) ? "timings in \(timings)" : "not measured: \(DatasetCache.defaultDirectory) cannot be written, so training takes the standard plan"
        print("plan     \(assignment.shapeDescription), batch \(training.batchSize), SGD: \(plan.summary) (\(kept))")
        let directory = FashionMNIST.resolveDirectory(dataDirectory.dataDirectory)
        print("data     \(FashionMNIST.name): \(FashionMNIST.isPresent(in: directory) ? "found in \(directory)" : "not found in \(directory) (apt-get install dataset-fashion-mnist)")")
    }

    /// What the measured bf16 ÷ f32 rates say: which format is faster here.
    static func bfloat16Verdict(_ ratios: [Double]) -> String {
        guard !ratios.isEmpty else {
            return "no bf16 instructions: --precision bf16 falls back to f32; bf16-emulated gives its numerics"
        }
        let median = ratios.sorted()[ratios.count / 2]
        let verdict = median < 1
            ? "--precision bf16 trains slower than f32 here; keep f32 (bf16 pays with AMX)"
            : "--precision bf16 trains faster here (a step gains less than its products: it also converts every weight)"
        return String(format: "products at %.2f× f32's speed (median of the three above): %@", median, verdict)
    }
}
