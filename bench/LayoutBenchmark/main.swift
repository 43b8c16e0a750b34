// Layout benchmark (issue 16, item 1): each product of the batch-64 training step with its
// weight operand plain (as MLPLab passes it) and in the layout oneDNN's kernel chooses when it may
// (`dnnl_format_tag_any`, reordered once), the reorder of that operand each way, and the best
// rate the engine reaches (2048³).
//
//   swift build -c release --product layout-benchmark && .build/release/layout-benchmark [--threads N] [--repeats N]
//   .build/release/layout-benchmark --profile --repeats 300     # one product alone, for perf
//
// For the weight-gradient product dzᵀ·x the operand in question is its output (the gradient, or
// with a fused update the weights themselves). Medians; compare figures from one run only.
import Foundation
import MLPLab

var threads = ProcessInfo.processInfo.activeProcessorCount
var repeats = 20
var profileOnly = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--profile" {
        profileOnly = true
        continue
    }
    switch (argument, arguments.next().flatMap { Int($0) }) {
    case ("--threads", let count?) where count >= 1: threads = count
    case ("--repeats", let count?) where count >= 1: repeats = count
    default:
        FileHandle.standardError.write(Data("usage: layout-benchmark [--threads N] [--repeats N] [--profile]\n".utf8))
        exit(64)
    }
}
MatMul.setThreadCount(threads)
if profileOnly {
    // The assignment's first forward product with plain weights alone, for a profiler:
    //   perf record -o perf.data .build/release/layout-benchmark --profile --repeats 300
    //   perf report -i perf.data --sort dso --stdio
    let r = MatMulLayoutBenchmark.measure(m: 64, n: 3600, k: 4800, transposeB: true, operand: .weights, repeats: repeats)
    print(String(format: "forward x·Wᵀ 64×4800·4800×3600: %.1f GFLOP/s plain, %.1f in the chosen layout", r.plain, r.chosen))
    exit(0)
}
print("cpu     \(CPUInfo.current().summary)")
print("engine  \(MatMul.engineVersion) (\(MatMul.instructionSet)), \(threads) threads, \(repeats) repeats, medians")
print("")
print("product                               plain GFLOP/s  chosen GFLOP/s  to chosen ms  to plain ms  chosen layout / kernels")
@MainActor func show(_ label: String, m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
          operand: MatMulLayoutBenchmark.Operand) {
    let r = MatMulLayoutBenchmark.measure(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, operand: operand,
                                          repeats: repeats)
    let kernels = r.plainKernel == r.chosenKernel ? r.plainKernel : "\(r.plainKernel) → \(r.chosenKernel)"
    print(String(format: "%@  %13.1f  %14.1f  %12.2f  %11.2f  ", label.padding(toLength: 40, withPad: " ", startingAt: 0),
                 r.plain, r.chosen, r.toChosen, r.toPlain) + "\(r.layout); \(kernels)")
}
show("2048×2048×2048", m: 2048, n: 2048, k: 2048, operand: .weights)
for (name, sizes) in [("assignment", [4800, 3600, 2400, 1200, 52]), ("fashion-mnist", [784, 588, 392, 196, 10])] {
    print("\(name), batch 64")
    for (index, (input, output)) in zip(sizes, sizes.dropFirst()).enumerated() {
        show("  L\(index + 1) forward x·Wᵀ 64×\(input)·\(input)×\(output)", m: 64, n: output, k: input, transposeB: true, operand: .weights)
        if index > 0 {
            show("  L\(index + 1) input grad dz·W 64×\(output)·\(output)×\(input)", m: 64, n: input, k: output, operand: .weights)
        }
        show("  L\(index + 1) weight grad dzᵀ·x \(output)×64·64×\(input)", m: output, n: input, k: 64, transposeA: true, operand: .destination)
    }
    // The same step with every weight stored transposed, [in, out] (S = Wᵀ): the forward reads S
    // plain (the layout the kernel chose above), the input gradient reads it transposed, and the
    // weight gradient writes S.
    print("\(name), batch 64, weights stored [in, out]")
    for (index, (input, output)) in zip(sizes, sizes.dropFirst()).enumerated() {
        show("  L\(index + 1) forward x·S 64×\(input)·\(input)×\(output)", m: 64, n: output, k: input, operand: .weights)
        if index > 0 {
            show("  L\(index + 1) input grad dz·Sᵀ 64×\(output)·\(output)×\(input)", m: 64, n: input, k: output, transposeB: true, operand: .weights)
        }
        show("  L\(index + 1) weight grad xᵀ·dz \(input)×64·64×\(output)", m: input, n: output, k: 64, transposeA: true, operand: .destination)
    }
}
