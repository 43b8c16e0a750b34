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
        dataset.pixels.withUnsafeBufferPointer { pixels in
            for (row, index) in zip(0..., indices) {
                scaling.convert(pixels.baseAddress! + index * width, count: width, into: input.base + row * width)
                labels[row] = dataset.labels[index]
            }
        }
    }
}
