/// Gathers samples of a ``Dataset`` into a workspace's input rows and labels.
public enum BatchLoader {
    /// Writes sample `indices[i]` into input row i (scaled by `scaling`) and its label
    /// into `labels[i]`, for every i. Reads `dataset`; writes the first `indices.count` rows.
    /// Every index must be a sample of `dataset` and its label one of its classes (preconditions).
    ///
    /// With an `augmentation`, each image is then flipped or shifted as it decides for its place in
    /// the batch (`firstRow` + i) of step `step` under `seed` (training only).
    public static func gather(
        _ indices: ArraySlice<Int>, from dataset: Dataset, scaling: InputScaling,
        into input: Matrix, labels: UnsafeMutablePointer<Int32>,
        augmentation: Augmentation? = nil, seed: UInt64 = 0, step: Int = 0, firstRow: Int = 0
    ) {
        precondition(indices.count <= input.rows && input.columns == dataset.featureCount,
                     "BatchLoader: batch does not fit the input buffer")
        let width = dataset.featureCount
        dataset.pixels.withUnsafeBufferPointer { pixels in
            for (row, index) in zip(0..., indices) {
                // Checked per row (a batch is a few dozen): an index or label out of range would
                // read past `pixels`, and later index the logits and the confusion matrix.
                precondition(index >= 0 && index < dataset.count, "BatchLoader: sample \(index) is outside the data set's \(dataset.count)")
                precondition(dataset.labels[index] >= 0 && Int(dataset.labels[index]) < dataset.classCount,
                             "BatchLoader: sample \(index)'s label \(dataset.labels[index]) is outside the data set's \(dataset.classCount) classes")
                scaling.convert(pixels.baseAddress! + index * width, count: width, into: input.base + row * width)
                augmentation?.apply(input.base + row * width, width: dataset.imageWidth, height: dataset.imageHeight,
                                    seed: seed, step: step, row: firstRow + row)
                labels[row] = dataset.labels[index]
            }
        }
    }
}
