/// Gathers samples of a `Dataset` into a workspace's input rows and labels.
public enum BatchLoader {
    /// Writes sample `indices[i]` into input row i (scaled by `scaling`) and its label
    /// into `labels[i]`, for every i. Reads `dataset`; writes the first `indices.count` rows.
    public static func gather(
        _ indices: ArraySlice<Int>, from dataset: Dataset, scaling: InputScaling,
        into input: Matrix, labels: UnsafeMutablePointer<Int32>
    ) {
        precondition(indices.count <= input.rows && input.columns == dataset.featureCount,
                     "BatchLoader: batch does not fit the input buffer")
        let width = dataset.featureCount
        // Divide rather than multiply by 1/255, so every input equals the assignment's
        // `np.float32(x) / 255` bit for bit.
        let divide = scaling == .unitRange
        dataset.pixels.withUnsafeBufferPointer { pixels in
            for (row, index) in zip(0..., indices) {
                let source = pixels.baseAddress! + index * width
                let destination = input.base + row * width
                if divide {
                    for j in 0..<width { destination[j] = Float(source[j]) / 255 }
                } else {
                    for j in 0..<width { destination[j] = Float(source[j]) }
                }
                labels[row] = dataset.labels[index]
            }
        }
    }
}
