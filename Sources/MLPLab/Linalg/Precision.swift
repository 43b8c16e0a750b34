/// The number format of the engine's products. Whatever it is, master weights, gradients of the
/// biases, momentum, activations and the loss stay float32: only the products' inputs change.
public enum Precision: String, Codable, Sendable, CaseIterable {
    /// float32 products (the default).
    case float32 = "f32"
    /// bfloat16 inputs, float32 sums and outputs, on CPUs with BF16 instructions (AVX512-BF16 or
    /// AMX); elsewhere a training falls back to float32 and says so (`TrainingRun.precisionNote`).
    case bfloat16 = "bf16"
    /// bf16's numerics on any CPU, at float32 speed: each product's inputs are rounded to bf16 as
    /// the hardware path converts them, then multiplied and summed in float32 (a product of two bf16
    /// values is exact in float32, so only the order of the sums differs from the hardware path).
    /// For studying what bf16 does to accuracy where the hardware has none.
    case bfloat16Emulated = "bf16-emulated"
}

/// Conversion of float32 to bfloat16 (the upper 16 bits of a float32), as oneDNN converts.
public enum BFloat16 {
    /// The bf16 bit pattern nearest to `x`, ties to even; NaN stays a (quiet) NaN, values beyond
    /// bf16's range round to infinity.
    @inline(__always)
    public static func bits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// `x` rounded to the nearest bf16 value, as a float32.
    @inline(__always)
    public static func rounded(_ x: Float) -> Float {
        Float(bitPattern: UInt32(bits(x)) << 16)
    }

    /// Writes `count` floats from `source` to `destination` as bf16 bit patterns, on `threads`
    /// threads without allocating.
    public static func convert(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<UInt16>, count: Int, threads: Int) {
        var job = (source, UnsafeMutableRawPointer(destination))
        withUnsafeMutablePointer(to: &job) { pointer in
            Parallel.forEachChunk(0..<count, threads: threads, minimumPerThread: 1 << 16, context: UnsafeMutableRawPointer(pointer)) {
                context, _, lower, upper in
                let (source, raw) = context!.assumingMemoryBound(to: (UnsafePointer<Float>, UnsafeMutableRawPointer).self).pointee
                let destination = raw.assumingMemoryBound(to: UInt16.self)
                for i in lower..<upper { destination[i] = BFloat16.bits(source[i]) }
            }
        }
    }

    /// Writes `count` floats from `source` to `destination` rounded to bf16 values (float32
    /// storage), on `threads` threads without allocating.
    public static func round(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        var job = (source, destination)
        withUnsafeMutablePointer(to: &job) { pointer in
            Parallel.forEachChunk(0..<count, threads: threads, minimumPerThread: 1 << 16, context: UnsafeMutableRawPointer(pointer)) {
                context, _, lower, upper in
                let (source, destination) = context!.assumingMemoryBound(to: (UnsafePointer<Float>, UnsafeMutablePointer<Float>).self).pointee
                for i in lower..<upper { destination[i] = BFloat16.rounded(source[i]) }
            }
        }
    }
}
