import Dispatch

/// Splits elementwise work over threads in fixed, disjoint chunks.
///
/// Chunk boundaries depend only on `count` and `threads`, and every chunk writes its own range,
/// so results are the same bit for bit on every run with the same thread count.
public enum Parallel {
    /// The most chunks `forEachChunk` makes (so per-chunk results fit a fixed buffer).
    public static let maximumChunks = 64

    /// Calls `body(range)` for `threads` contiguous ranges covering 0..<count; runs inline when
    /// the work is too small to pay for waking a thread (below `minimumPerThread` elements each).
    public static func forEachChunk(
        count: Int, threads: Int, minimumPerThread: Int = 1 << 15,
        _ body: (Range<Int>) -> Void
    ) {
        forEachChunk(count: count, threads: threads, minimumPerThread: minimumPerThread) { _, range in body(range) }
    }

    /// As `forEachChunk(count:threads:minimumPerThread:_:)`, also passing each chunk's index
    /// (0 ..< at most `maximumChunks`), for per-chunk partial results.
    public static func forEachChunk(
        count: Int, threads: Int, minimumPerThread: Int = 1 << 15,
        _ body: (Int, Range<Int>) -> Void
    ) {
        let chunks = max(1, min(threads, maximumChunks, count / max(minimumPerThread, 1)))
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        // Chunk sizes are multiples of 16 floats (64 bytes), so threads never share a cache line.
        let chunk = ((count + chunks - 1) / chunks + 15) & ~15
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                let start = index * chunk
                let end = min(count, start + chunk)
                if start < end { box.value(index, start..<end) }
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
