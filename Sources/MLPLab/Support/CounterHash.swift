/// Random-looking numbers as a pure function of counters (seed, step, row, …) rather than draws
/// from a stream: what dropout masks and batch augmentation use, so that a step's randomness does
/// not depend on what ran before it (a resume continues exactly) or on which process computes a
/// row (data-parallel ranks draw what one process would).
public enum CounterHash {
    /// SplitMix64's finalizer: a bijection of 64-bit words whose outputs look independent.
    @inline(__always)
    public static func mix(_ word: UInt64) -> UInt64 {
        var z = word &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The hash of `seed` (under a per-use `salt`), `step` and `row`, for one row of a step.
    @inline(__always)
    public static func row(seed: UInt64, salt: UInt64, step: Int, row: Int) -> UInt64 {
        mix(mix(mix(seed ^ salt) ^ UInt64(truncatingIfNeeded: step)) ^ UInt64(truncatingIfNeeded: row))
    }
}
