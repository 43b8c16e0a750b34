import Foundation
import MLPLab
import Testing

/// `mlplab doctor`: what it says about the machine, and that its bf16 verdict follows its own
/// measurements.
struct DoctorCommandTests {
    @Test("doctor says where the plan's timings are kept, and says so when the cache cannot be written")
    func doctorNamesTheTimingsCache() throws {
        let root = try TestSupport.temporaryDirectory().path
        let kept = try Tool.run(["doctor", "--threads", "1"], environment: ["XDG_CACHE_HOME": root + "/xdg"])
        #expect(kept.status == 0 && kept.stdout.contains("(timings in '\(root)/xdg/mlplab/compute-timings/timings.json')"), "\(kept.stdout)")
        // A cache folder that is a file: nothing can be kept there.
        FileManager.default.createFile(atPath: root + "/file", contents: Data())
        let unusable = try Tool.run(["doctor", "--threads", "1"], environment: ["XDG_CACHE_HOME": root + "/file"])
        #expect(unusable.status == 0 && unusable.stdout.contains("not measured: the compute timings cannot be kept in '\(root)/file/mlplab/compute-timings'"),
                "\(unusable.stdout)")
        // timings.json a folder: nothing was written, and doctor says so.
        try FileManager.default.createDirectory(atPath: root + "/dir/mlplab/compute-timings/timings.json", withIntermediateDirectories: true)
        let folder = try Tool.run(["doctor", "--threads", "1"], environment: ["XDG_CACHE_HOME": root + "/dir"])
        #expect(folder.status == 0 && folder.stdout.contains("(not measured: the compute timings cannot be kept in '\(root)/dir/mlplab/compute-timings' (timings.json cannot be written), so training takes the standard plan)"),
                "\(folder.stdout)")
        let none = try Tool.run(["doctor", "--threads", "1", "--no-cache"], environment: ["XDG_CACHE_HOME": root + "/unused"])
        #expect(none.status == 0 && none.stdout.contains("(not measured: no cache, so training takes the standard plan)"), "\(none.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root + "/unused"))
    }

    @Test("doctor names the CPU and engine, times the three products, and says bf16's measured speed against f32 with the matching advice")
    func doctorMeasuresBFloat16() throws {
        let result = try Tool.run(["doctor", "--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("cpu      ") } && lines.contains { $0.hasPrefix("engine   oneDNN") })
        let products = lines.filter { $0.contains("GFLOP/s") }
        #expect(products.count == 3, "\(result.stdout)")
        // The plan train takes for the assignment's network: one orientation per layer.
        let plan = try #require(lines.first { $0.hasPrefix("plan     4800-3600-2400-1200-52") }, "\(result.stdout)")
        #expect(plan.firstMatch(of: /weights (in_out|out_in)(,(in_out|out_in)){3};/) != nil, "\(plan)")
        let bf16 = try #require(lines.first { $0.hasPrefix("bf16     ") }, "\(result.stdout)")
        guard MatMul.supportsBFloat16 else {
            #expect(bf16.contains("no bf16 instructions") && bf16.contains("bf16-emulated"), "\(bf16)")
            return
        }
        #expect(products.allSatisfy { $0.contains(", bf16 ") }, "each product is timed in both formats: \(products)")
        // "products at 0.55× f32's speed …": the advice follows the ratio printed.
        let ratioText = try #require(bf16.split(separator: " ").first { $0.hasSuffix("×") }, "\(bf16)")
        let ratio = try #require(Double(ratioText.dropLast()), "\(bf16)")
        #expect(bf16.contains(ratio < 1 ? "trains slower than f32 here; keep f32" : "trains faster here"), "\(bf16)")
        // The median of the three products' own ratios.
        let ratios = products.compactMap { line -> Double? in
            guard let match = line.firstMatch(of: /([0-9.]+) GFLOP\/s, bf16 +([0-9.]+)/),
                  let f32 = Double(match.1), let b = Double(match.2) else { return nil }
            return b / f32
        }.sorted()
        #expect(ratios.count == 3 && abs(ratios[1] - ratio) < 0.02, "\(ratios) against \(ratio)")
    }
}
