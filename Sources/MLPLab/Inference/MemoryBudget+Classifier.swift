import Foundation

extension MemoryBudget {
    /// Bytes a ``Classifier`` of `model` holds at most: three copies of the parameters while it
    /// loads (the file's tensors, the model file's buffer, the network's) or after (the network's
    /// and the workspace's gradient buffer, which inference does not use but the workspace
    /// makes), and the forward activations of `rows` images. In Double: absurd widths do not
    /// overflow.
    public static func classifierBytes(model: ModelConfiguration, rows: Int = Classifier.chunkSize) -> Double {
        let sizes = model.layerSizes.map(Double.init)
        let widestHidden = sizes.dropFirst().dropLast().max() ?? 1
        let activations = Double(rows) * sizes.reduce(0, +) + Double(model.classCount) + 2 * widestHidden
        return 4 * (3 * parameterCount(model) + activations) + 8 * Double(rows)
    }
}
