import COpenMP
import Foundation

/// What the CPU is, for reports and for every speed figure MLPLab prints.
public struct CPUInfo: Sendable {
    /// The "model name" field of /proc/cpuinfo; "unknown" where there is none (not Linux, or no such field).
    public var modelName: String
    /// The machine's processors (`ProcessInfo.activeProcessorCount`): logical, not physical, and
    /// all of them, whatever this process is bound to (``usableCores``), so that the summary
    /// names the machine the same in every process on it.
    public var cores: Int
    /// The instruction-set extensions that matter for matrix products, in the order of power.
    public var features: [String]

    /// Reads /proc/cpuinfo (Linux); unknown fields stay "unknown" elsewhere.
    public static func current() -> CPUInfo {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            for line in text.split(separator: "\n") where line.hasPrefix(name) {
                if let colon = line.firstIndex(of: ":") {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let interesting = ["avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_tile"]
        return CPUInfo(modelName: field("model name") ?? "unknown",
                       cores: ProcessInfo.processInfo.activeProcessorCount,
                       features: interesting.filter(flags.contains))
    }

    /// The processors this process may run on: its CPU affinity, which `taskset`, `numactl` and
    /// Slurm's task binding narrow, rather than every processor of the machine
    /// (`ProcessInfo.activeProcessorCount`, which ignores affinity). Every default thread count
    /// is this, so that a process bound to one core does not start two threads that share it.
    public static var usableCores: Int {
        let count = Int(omp_get_num_procs())
        return count > 0 ? count : ProcessInfo.processInfo.activeProcessorCount
    }

    /// "AMD EPYC (2 cores; avx2 fma avx512f …)".
    public var summary: String {
        "\(modelName) (\(cores) core\(cores == 1 ? "" : "s"); \(features.isEmpty ? "no AVX2" : features.joined(separator: " ")))"
    }
}
