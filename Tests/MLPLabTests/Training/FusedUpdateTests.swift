import Foundation
import MLPLab
import Testing

/// The fused paths of the training step (issue 7) against the plain ones they replace.
struct FusedUpdateTests {
    @Test("a product with scale and accumulate equals scale·AB + accumulate·C", arguments: [(Float(-0.05), Float(1)), (1, 0.9), (-0.01, 0.999), (2, 0)])
    func scaledAccumulatingProduct(scale: Float, accumulate: Float) {
        let engine = MatMul()
        let (m, n, k) = (9, 14, 5)
        let a = TestSupport.randomBuffer(k * m, seed: 1), b = TestSupport.randomBuffer(k * n, seed: 2)
        let c = TestSupport.randomBuffer(m * n, seed: 3)
        let old = c.array
        // The weight-gradient shape: aᵀ·b with a stored k × m.
        engine.multiply(Matrix(a.base, rows: k, columns: m), transposeA: true, Matrix(b.base, rows: k, columns: n),
                        into: Matrix(c.base, rows: m, columns: n), scale: scale, accumulate: accumulate)
        var largest = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(a.base[p * m + i]) * Double(b.base[p * n + j]) }
                let expected = Double(scale) * sum + Double(accumulate) * Double(old[i * n + j])
                largest = max(largest, abs(expected - Double(c.base[i * n + j])))
            }
        }
        #expect(largest < 1e-5, "scale \(scale) accumulate \(accumulate): largest difference \(largest)")
    }

    @Test("the weight gradient's norm from Gram matrices equals the norm of the formed gradient")
    func gramNormEqualsFormedGradientNorm() {
        let engine = MatMul()
        let layer = Linear(inputSize: 37, outputSize: 23, offset: 0)
        let rows = 6
        let input = TestSupport.randomBuffer(rows * 37, seed: 4), dz = TestSupport.randomBuffer(rows * 23, seed: 5)
        let gradient = FloatBuffer(count: layer.weightCount)
        engine.multiply(Matrix(dz.base, rows: rows, columns: 23), transposeA: true, Matrix(input.base, rows: rows, columns: 37),
                        into: Matrix(gradient.base, rows: 23, columns: 37))
        let formed = gradient.array.reduce(0.0) { $0 + Double($1) * Double($1) }
        let scratch = FloatBuffer(count: 2 * rows * rows)
        let gram = layer.weightGradientSquaredNorm(input: Matrix(input.base, rows: rows, columns: 37),
                                                   outputGradient: Matrix(dz.base, rows: rows, columns: 23),
                                                   scratch: scratch.base, engine: engine)
        #expect(formed > 1)
        #expect(abs(gram - formed) / formed < 1e-5, "Gram \(gram) vs formed \(formed)")
    }

    @Test("the activation's derivative and the bias gradient in one pass equal the two passes, bit for bit", arguments: Activation.allCases)
    func fusedActivationBackwardAndBiasGradient(activation: Activation) {
        let (rows, columns) = (5, 19)
        let z = TestSupport.randomBuffer(rows * columns, seed: 6, scale: 3)
        let output = FloatBuffer(count: rows * columns)
        for i in 0..<output.count { output.base[i] = activation(z.base[i]) }
        let plain = TestSupport.randomBuffer(rows * columns, seed: 7), fused = TestSupport.randomBuffer(rows * columns, seed: 7)
        activation.backward(output: output.base, gradient: plain.base, count: plain.count)
        var sums = [Float](repeating: 0, count: columns)
        for r in 0..<rows { for j in 0..<columns { sums[j] += plain.base[r * columns + j] } }
        let bias = FloatBuffer(count: columns)
        bias.fill(.nan)  // must be overwritten, not added to
        activation.backward(output: Matrix(output.base, rows: rows, columns: columns),
                            gradient: Matrix(fused.base, rows: rows, columns: columns), biasGradient: bias.base)
        #expect(fused.array == plain.array)
        #expect(bias.array == sums)
    }

    @Test("the standard plan fuses the assignment's three large layers at batch 64, nothing with momentum, and covers every parameter once")
    func planChoosesLayersAndCoversParameters() {
        let configuration = ModelConfiguration(inputSize: 4800, hiddenSizes: [3600, 2400, 1200], classCount: 52)
        let assignment = MLP.layout(configuration)
        let standard = ComputePlan.standard(model: configuration, rows: 64)
        #expect(standard.weightOrientations == [.inOut, .inOut, .inOut, .inOut])
        let plain = Optimizer(configuration: OptimizerConfiguration(learningRate: 0.01), parameterCount: 1)
        let plan = UpdatePlan(layers: assignment, fusable: standard.fusedUpdates, optimizer: plain, enabled: true)
        #expect(plan.fusedLayers == [true, true, true, false])
        let total = assignment.last!.biasRange.upperBound
        var covered = [Int](repeating: 0, count: total)
        for range in plan.plainRanges + plan.fusedRanges { for i in range { covered[i] += 1 } }
        #expect(covered.allSatisfy { $0 == 1 })

        let momentum = Optimizer(configuration: OptimizerConfiguration(learningRate: 0.01, momentum: 0.9), parameterCount: 1)
        #expect(UpdatePlan(layers: assignment, fusable: standard.fusedUpdates, optimizer: momentum, enabled: true).fusedLayers.allSatisfy { !$0 })
        #expect(UpdatePlan(layers: assignment, fusable: standard.fusedUpdates, optimizer: plain, enabled: false).plainRanges == [0..<total])
        let small = ModelConfiguration(inputSize: 784, hiddenSizes: [588, 392, 196], classCount: 10)
        #expect(ComputePlan.standard(model: small, rows: 64).fusedUpdates.allSatisfy { !$0 })
        // A plan's own choice is followed: the last layer alone.
        let last = UpdatePlan(layers: assignment, fusable: [false, false, false, true], optimizer: plain, enabled: true)
        #expect(last.fusedRanges == [assignment[3].weightRange])
        #expect(last.plainRanges == [0..<assignment[3].offset, assignment[3].biasRange])
    }

    @Test("training with fused updates follows the plain updates to rounding", arguments: [0.0, 0.01])
    func fusedTrainingFollowsPlainTraining(weightDecay: Double) throws {
        let dataset = SyntheticData.quadrants()
        let split = try DatasetSplit.make(for: dataset, testFraction: 0.2, validationFraction: 0.1, seed: 1)
        // 64 → 96 → 48 → 4 at batch 8: the first two layers pass the plan's rule, the last does not.
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [96, 48], classCount: 4)
        var configuration = TrainingConfiguration()
        configuration.batchSize = 8
        configuration.epochs = 2
        configuration.optimizer = OptimizerConfiguration(learningRate: 0.05, weightDecay: weightDecay)
        let fused = TrainingRun(dataset: dataset, split: split, model: model, configuration: configuration)
        let plain = TrainingRun(dataset: dataset, split: split, model: model, configuration: configuration, fuseUpdates: false)
        #expect(fused.plan.fusedLayers == [true, true, false])
        #expect(!plain.plan.fusesAny)
        try fused.train()
        try plain.train()
        let difference = TestSupport.maximumDifference(fused.model.parameters.array, plain.model.parameters.array)
        #expect(difference < 1e-4, "largest parameter difference \(difference)")
        // The fused path never writes the fused layers' weight gradients; the plain one does.
        let firstWeights = fused.model.layers[0].weightRange
        #expect(fused.workspace.gradients.array[firstWeights].allSatisfy { $0 == 0 }, "the fused path was not taken")
        #expect(plain.workspace.gradients.array[firstWeights].contains { $0 != 0 })
        for (f, p) in zip(fused.history, plain.history) {
            #expect(abs(f.loss - p.loss) < 1e-4)
            #expect(abs(f.gradientNorm - p.gradientNorm) / p.gradientNorm < 1e-4, "gradient norm \(f.gradientNorm) vs \(p.gradientNorm)")
        }
    }

    @Test("the allocation-free parallel form visits every element of a range once, in fixed chunks")
    func contextParallelCoversRange() {
        let buffer = FloatBuffer(count: 200_000)
        var base = buffer.base
        withUnsafeMutablePointer(to: &base) { pointer in
            Parallel.forEachChunk(1_000..<199_999, threads: 2, minimumPerThread: 1_000, context: UnsafeMutableRawPointer(pointer)) {
                context, chunk, lower, upper in
                let values = context!.assumingMemoryBound(to: UnsafeMutablePointer<Float>.self).pointee
                for i in lower..<upper { values[i] += Float(chunk + 1) }
            }
        }
        let values = buffer.array
        #expect(values[..<1_000].allSatisfy { $0 == 0 } && values[199_999...].allSatisfy { $0 == 0 })
        #expect(values[1_000..<199_999].allSatisfy { $0 == 1 || $0 == 2 })
        #expect(values[1_000] == 1 && values[199_998] == 2, "two chunks, in order")
    }
}
