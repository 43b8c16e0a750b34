import COpenMP

/// Splits elementwise work over threads in fixed, disjoint chunks.
///
/// Chunk boundaries depend only on the range and `threads`, and every chunk writes its own range,
/// so results are the same bit for bit on every run with the same thread count.
public enum Parallel {
    /// The most chunks `forEachChunk` makes (so per-chunk results fit a fixed buffer).
    public static let maximumChunks = 64

    /// The work of one chunk: `(context, chunk index, lower bound, upper bound)`.
    public typealias ChunkFunction = @convention(c) (UnsafeMutableRawPointer?, Int, Int, Int) -> Void

    /// Calls `function(context, chunk, lower, upper)` for each chunk of `range`, on OpenMP's
    /// thread team (the one the engine's products run on: no second pool competing for the
    /// cores). Nothing is allocated: `context` points at the caller's arguments, which must
    /// stay valid for the call, and `function` captures nothing.
    ///
    /// OpenMP may give the region fewer threads than chunks (OMP_THREAD_LIMIT, OMP_DYNAMIC, a
    /// call from inside another parallel region, where the team is one thread): each thread
    /// then takes every team-size-th chunk, so every chunk runs once whatever the team. The
    /// chunks, and so the results, depend only on `range` and `threads`.
    public static func forEachChunk(
        _ range: Range<Int>, threads: Int, minimumPerThread: Int = 1 << 15,
        context: UnsafeMutableRawPointer, _ function: ChunkFunction
    ) {
        let count = range.count
        let chunks = chunkCount(count, threads: threads, minimumPerThread: minimumPerThread)
        if chunks == 1 {
            function(context, 0, range.lowerBound, range.upperBound)
            return
        }
        // Chunk sizes are multiples of 16 floats (64 bytes), so threads never share a cache line
        // (for ranges that start on one).
        var job = Job(function: function, context: context, lower: range.lowerBound, count: count, chunks: chunks,
                      chunk: ((count + chunks - 1) / chunks + 15) & ~15)
        withUnsafeMutablePointer(to: &job) { pointer in
            mlplab_tsan_release(pointer)  // fork: what the caller wrote is visible to the threads
            GOMP_parallel({ raw in
                mlplab_tsan_acquire(raw)
                let job = raw!.assumingMemoryBound(to: Job.self).pointee
                let team = max(1, Int(omp_get_num_threads()))
                for index in stride(from: Int(omp_get_thread_num()), to: job.chunks, by: team) {
                    let start = index * job.chunk
                    let end = min(job.count, start + job.chunk)
                    if start < end { job.function(job.context, index, job.lower + start, job.lower + end) }
                }
                mlplab_tsan_release(raw)  // join: what the threads wrote is visible after the region
            }, pointer, UInt32(chunks), 0)
            mlplab_tsan_acquire(pointer)
        }
    }

    /// How many chunks `count` elements make: one per thread, none smaller than `minimumPerThread`.
    static func chunkCount(_ count: Int, threads: Int, minimumPerThread: Int) -> Int {
        max(1, min(threads, maximumChunks, count / max(minimumPerThread, 1)))
    }

    /// What each thread of a `forEachChunk` needs, passed through OpenMP's `void *`.
    private struct Job {
        let function: ChunkFunction
        let context: UnsafeMutableRawPointer
        let lower: Int, count: Int, chunks: Int, chunk: Int
    }
}

/// Carries a value that is known to be used safely across threads (disjoint writes) into a
/// `@Sendable` closure.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    /// The wrapped value; whoever reads it across threads is responsible for doing so safely.
    public let value: Value
    /// Wraps `value`; the caller vouches that sharing it is safe, and nothing checks it.
    public init(_ value: Value) { self.value = value }
}
