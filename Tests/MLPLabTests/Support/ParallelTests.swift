import Foundation
import MLPLab
import Testing

/// `Parallel.forEachChunk` asks OpenMP for one thread a chunk, but OpenMP may give fewer
/// (OMP_THREAD_LIMIT, OMP_DYNAMIC, or a call from inside another parallel region, whose team is one
/// thread). An audit for issue 23 found that each thread ran only the chunk of its own number, so
/// the chunks past the team's size were skipped: an SGD step left part of the parameters as they
/// were and under-reported the gradient norm. These tests call it from inside another region.
struct ParallelTests {
    /// What the outer region's chunks need: the marks, and how many each inner call covers.
    struct Marks {
        var values: UnsafeMutablePointer<Int32>
        var perOuterChunk: Int
    }

    @Test("every chunk runs exactly once when OpenMP gives the region fewer threads than chunks")
    func everyChunkRunsOnceInANestedRegion() {
        let perOuterChunk = 4096
        let values = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * perOuterChunk)
        values.initialize(repeating: 0, count: 2 * perOuterChunk)
        defer { values.deallocate() }
        var marks = Marks(values: values, perOuterChunk: perOuterChunk)
        // Two outer chunks of 16 elements each; each adds 1 to its half of the marks in 4 inner chunks.
        withUnsafeMutablePointer(to: &marks) { pointer in
            Parallel.forEachChunk(0..<32, threads: 2, minimumPerThread: 1, context: UnsafeMutableRawPointer(pointer)) { context, _, lower, _ in
                let marks = context!.load(as: Marks.self)
                let half = marks.values + (lower / 16) * marks.perOuterChunk
                Parallel.forEachChunk(0..<marks.perOuterChunk, threads: 4, minimumPerThread: 1, context: UnsafeMutableRawPointer(half)) { context, _, lower, upper in
                    let values = context!.assumingMemoryBound(to: Int32.self)
                    for i in lower..<upper { values[i] += 1 }
                }
            }
        }
        let counts = Array(UnsafeBufferPointer(start: values, count: 2 * perOuterChunk))
        #expect(counts.allSatisfy { $0 == 1 }, "\(counts.filter { $0 == 0 }.count) elements skipped, \(counts.filter { $0 > 1 }.count) done twice")
    }

    /// The parameters and gradient norm of one SGD step on 4 threads, run from inside a parallel
    /// region when `nested`.
    struct Step {
        var parameters: FloatBuffer
        var gradients: FloatBuffer
        var norm = 0.0
    }

    /// Runs the step `context` points at (a `Step`).
    static func runStep(_ context: UnsafeMutableRawPointer) {
        let step = context.assumingMemoryBound(to: Step.self)
        let sgd = Optimizer(configuration: OptimizerConfiguration(learningRate: 0.5, weightDecay: 0.01), parameterCount: step.pointee.parameters.count)
        step.pointee.norm = sgd.step(parameters: step.pointee.parameters, gradients: step.pointee.gradients, threads: 4)
    }

    static func step(nested: Bool) -> (parameters: [Float], norm: Double) {
        let count = 1 << 18
        var step = Step(parameters: TestSupport.randomBuffer(count, seed: 1), gradients: TestSupport.randomBuffer(count, seed: 2))
        withUnsafeMutablePointer(to: &step) { pointer in
            guard nested else { return runStep(UnsafeMutableRawPointer(pointer)) }
            // Two chunks of 16: the step runs once, in the first, on a team of one thread.
            Parallel.forEachChunk(0..<32, threads: 2, minimumPerThread: 1, context: UnsafeMutableRawPointer(pointer)) { context, chunk, _, _ in
                if chunk == 0 { ParallelTests.runStep(context!) }
            }
        }
        return (step.parameters.array, step.norm)
    }

    @Test("an SGD step inside another parallel region updates every parameter and gives the same norm, bit for bit")
    func sgdStepInANestedRegion() {
        let plain = Self.step(nested: false), nested = Self.step(nested: true)
        let unchanged = zip(plain.parameters, nested.parameters).filter { $0 != $1 }.count
        #expect(unchanged == 0, "\(unchanged) parameters differ")
        #expect(plain.norm == nested.norm)
    }
}
