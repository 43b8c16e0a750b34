/// The one seedable random number generator of MLPLab: xoshiro256** seeded through SplitMix64.
///
/// Every random draw (initialization, the validation split, shuffling) comes from a generator
/// made from the run's seed and a `Stream`, so that each use has its own independent sequence and
/// adding draws to one use never shifts another. Same seed, same numbers, on every machine.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    /// The independent uses of randomness in a run.
    public enum Stream: UInt64, Sendable {
        case initialization = 1
        case testSplit = 2
        case validationSplit = 3
        case shuffle = 4
        case subset = 5
        case samples = 6
    }

    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator for `stream` of the run seeded with `seed`; `index` separates repeated uses
    /// of one stream (the epoch, for shuffling), so epoch k's order never depends on epoch k-1's.
    public init(seed: UInt64, stream: Stream, index: UInt64 = 0) {
        var mixer = seed &+ 0x9E37_79B9_7F4A_7C15 &* stream.rawValue &+ 0xD1B5_4A32_D192_ED03 &* index
        func next() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    /// The next 64 random bits of xoshiro256**; every other draw is built on these.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    /// A uniform Float in [0, 1) with all 24 bits of the significand random.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform Float in [low, high).
    public mutating func nextFloat(in low: Float, _ high: Float) -> Float {
        low + (high - low) * nextUnitFloat()
    }

    /// A uniform integer in 0..<bound without modulo bias (Lemire's method).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "nextIndex(below:) needs a positive bound")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold {
                product = next().multipliedFullWidth(by: b)
            }
        }
        return Int(product.high)
    }

    /// Fisher–Yates shuffle that draws only from this generator (the standard library's
    /// `shuffle(using:)` is not guaranteed to draw the same numbers across Swift versions).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = nextIndex(below: i + 1)
            if i != j { elements.swapAt(i, j) }
        }
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
