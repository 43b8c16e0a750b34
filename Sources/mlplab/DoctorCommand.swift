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
        print("bf16     \(MatMul.supportsBFloat16 ? "yes: --precision bf16 runs bf16 products" : "no bf16 instructions: --precision bf16 falls back to f32; bf16-emulated gives its numerics")")
        print("threads  \(MatMul.threadCount)")
        for shape in MatMulBenchmark.assignmentFirstLayer {
            let kernel = engine.implementationName(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA, transposeB: shape.transposeB)
            print(String(format: "%@  %6.1f GFLOP/s  kernel %@", shape.label, MatMulBenchmark.gigaflops(shape, engine: engine), kernel))
        }
        let directory = FashionMNIST.resolveDirectory(dataDirectory.dataDirectory)
        print("data     \(FashionMNIST.name): \(FashionMNIST.isPresent(in: directory) ? "found in \(directory)" : "not found in \(directory) (apt-get install dataset-fashion-mnist)")")
    }
}
