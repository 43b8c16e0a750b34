import MLPLab
import Testing

/// The arithmetic of data-parallel training, in one process: how a batch is cut into shares,
/// and that the shares' gradients, each scaled by the whole batch, add up to the batch's.
struct DataParallelTests {
    @Test("shares are contiguous, in rank order, cover the batch once and differ by at most one row")
    func sharesCoverTheBatch() {
        for size in 1...9 {
            for rows in 0...70 {
                let shares = (0..<size).map { DataParallel.share(of: rows, rank: $0, size: size) }
                #expect(shares.first?.lowerBound == 0 && shares.last?.upperBound == rows)
                for (a, b) in zip(shares, shares.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                let counts = shares.map(\.count)
                #expect(counts.max()! - counts.min()! <= 1, "rows \(rows), size \(size): \(counts)")
                #expect(counts == counts.sorted(by: >), "the larger shares come first")
            }
        }
    }

    /// Records the layers `MLP.backward` reports, in order, and copies their gradients then.
    final class Recorder: LayerGradientObserver {
        var layers: [Int] = []
        var ranges: [Range<Int>] = []
        var copies: [[Float]] = []
        func gradientsReady(layer: Int, range: Range<Int>, gradients: FloatBuffer) {
            layers.append(layer)
            ranges.append(range)
            copies.append(Array(gradients.buffer[range]))
        }
    }

    @Test("the shares' gradients, scaled by the whole batch, sum to the batch's; each layer is reported last first, complete", arguments: [1, 2, 3, 7])
    func sharesSumToTheBatchGradient(ranks: Int) {
        let configuration = ModelConfiguration(inputSize: 12, hiddenSizes: [9, 7], classCount: 4, initialization: .torch)
        let model = MLP(configuration: configuration)
        model.initialize(seed: 3)
        let rows = 11
        let inputs = TestSupport.randomBuffer(rows * 12, seed: 5, scale: 2)
        let labels = (0..<rows).map { Int32($0 % 4) }
        let engine = MatMul()

        /// The gradient of rows `range` of the batch, divided by the batch's rows; the recorder's view.
        func gradient(_ range: Range<Int>) -> (gradient: [Float], recorder: Recorder) {
            let workspace = Workspace(configuration: configuration, capacity: rows)
            workspace.input.base.update(from: inputs.base + range.lowerBound * 12, count: range.count * 12)
            for (row, label) in labels[range].enumerated() { workspace.labels[row] = label }
            let logits = model.forward(workspace, rows: range.count, engine: engine)
            _ = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: workspace.labels,
                                                    gradient: workspace.logitGradient.prefix(rows: range.count), batchRows: rows)
            let recorder = Recorder()
            model.backward(workspace, rows: range.count, engine: engine, observer: recorder)
            return (workspace.gradients.array, recorder)
        }

        let (whole, recorder) = gradient(0..<rows)
        #expect(recorder.layers == [2, 1, 0])
        #expect(recorder.ranges.map(\.count).reduce(0, +) == configuration.parameterCount)
        for (range, copy) in zip(recorder.ranges, recorder.copies) {
            #expect(copy == Array(whole[range]), "a layer's gradient changed after it was reported")
        }
        var summed = [Float](repeating: 0, count: whole.count)
        for rank in 0..<ranks {
            let share = DataParallel.share(of: rows, rank: rank, size: ranks)
            let part = gradient(share).gradient
            for i in summed.indices { summed[i] += part[i] }
        }
        let worst = zip(whole, summed).map { abs($0 - $1) }.max() ?? 0
        let largest = whole.map(abs).max() ?? 0
        #expect(largest > 0.01 && worst <= 1e-6 * max(largest, 1), "largest gradient \(largest), worst difference \(worst)")
    }

    @Test("the parameter checksum sees one flipped bit anywhere, and is the same for the same bits")
    func checksum() {
        let parameters = TestSupport.randomBuffer(1000, seed: 9, scale: 1)
        let reference = DataParallel.checksum(parameters)
        #expect(DataParallel.checksum(parameters) == reference)
        for index in [0, 1, 500, 999] {
            let saved = parameters[index]
            parameters.base[index] = Float(bitPattern: saved.bitPattern ^ 1)
            #expect(DataParallel.checksum(parameters) != reference, "bit flip at \(index)")
            parameters.base[index] = saved
        }
        // Two values swapped keep every bit but not their places.
        let a = parameters[3], b = parameters[4]
        parameters.base[3] = b
        parameters.base[4] = a
        #expect(a == b || DataParallel.checksum(parameters) != reference)
    }
}
