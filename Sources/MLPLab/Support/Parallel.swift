import Dispatch

/// Splits elementwise work over threads in fixed, disjoint chunks.
///
/// Chunk boundaries depend only on `count` and `threads`, and every chunk writes its own range,
/// so results are the same bit for bit on every run with the same thread count.
public enum Parallel {
    /// Calls `body(range)` for `threads` contiguous ranges covering 0..<count; runs inline when
    /// the work is too small to pay for waking a thread (below `minimumPerThread` elements each).
    public static func forEachChunk(
        count: Int, threads: Int, minimumPerThread: Int = 1 << 15,
        _ body: (Range<Int>) -> Void
    ) {
        let chunks = max(1, min(threads, count / max(minimumPerThread, 1)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        // Chunk sizes are multiples of 16 floats (64 bytes), so threads never share a cache line.
        let chunk = ((count + chunks - 1) / chunks + 15) & ~15
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                let start = index * chunk
                let end = min(count, start + chunk)
                if start < end { box.value(start..<end) }
            }
        }
    }
}

/// Carries a value that is known to be used safely across threads (disjoint writes) into a
/// `@Sendable` closure.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
