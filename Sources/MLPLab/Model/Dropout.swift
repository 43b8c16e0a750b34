/// Dropout as `nn.Dropout` computes it in training mode: each hidden activation is zeroed with
/// probability p and the others scaled by 1/(1 − p), so that evaluation, which drops nothing,
/// sees the same expected activations. Off at evaluation and prediction.
///
/// The masks are a counter-based hash of the seed, the step, the layer and the element's place
/// in the batch (row, column), not draws from a stream: a run repeats bit for bit, a resume
/// continues exactly (the step count is in the checkpoint), and data-parallel processes, each
/// computing its rows of the batch, drop exactly what one process would.
public struct Dropout: Sendable, Equatable {
    /// The probability of zeroing, per hidden layer (input side first), each in 0..<1.
    public let probabilities: [Float]

    /// Dropout of `probabilities`: one per hidden layer, or one for all of `hiddenLayers`.
    public init(_ probabilities: [Double], hiddenLayers: Int) {
        precondition(probabilities.count == 1 || probabilities.count == hiddenLayers, "Dropout: one probability, or one per hidden layer")
        self.probabilities = (probabilities.count == 1 ? Array(repeating: probabilities[0], count: hiddenLayers) : probabilities).map(Float.init)
    }

    /// Fills `workspace.dropoutMasks` for `rows` rows, which are rows `firstRow`… of the batch of
    /// step `step` (0 for the run's first): each element 0 or 1/(1 − p).
    public func fillMasks(_ workspace: Workspace, rows: Int, firstRow: Int, seed: UInt64, step: Int) {
        precondition(workspace.dropoutMasks.count == probabilities.count, "Dropout: the workspace has no masks for this model")
        for (layer, (mask, p)) in zip(workspace.dropoutMasks, probabilities).enumerated() {
            let width = mask.columns
            let kept = p == 0 ? 1 : 1 / (1 - p)
            for row in 0..<rows {
                let rowKey = CounterHash.row(seed: seed, salt: 0x6472_6f70_6f75_7421 ^ (UInt64(layer) << 48), step: step, row: firstRow + row)
                let values = mask.base + row * width
                // One hash gives two uniforms of 24 bits, each compared with p.
                var column = 0
                while column < width {
                    let hash = CounterHash.mix(rowKey ^ UInt64(column / 2))
                    values[column] = Float((hash & 0xFFFF_FFFF) >> 8) * 0x1p-24 < p ? 0 : kept
                    if column + 1 < width { values[column + 1] = Float(hash >> 40) * 0x1p-24 < p ? 0 : kept }
                    column += 2
                }
            }
        }
    }
}
