/// How image bytes become the model's input floats.
public enum InputScaling: String, Codable, Sendable, CaseIterable {
    /// x / 255, into 0…1: the assignment's `CustomToTensor(normalized=True)`.
    case unitRange = "divide-by-255"
    /// x as is, 0…255: the assignment's Part 3, which diverges at lr 0.01.
    case raw
}

extension InputScaling {
    /// Writes `count` pixel bytes (0…255) as input floats, scaled as this case says: the one
    /// conversion the training batches and ``Classifier`` share.
    ///
    /// Divides rather than multiplies by 1/255, so every input equals the assignment's
    /// `np.float32(x) / 255` bit for bit.
    @inline(__always)
    func convert(_ pixels: UnsafePointer<UInt8>, count: Int, into destination: UnsafeMutablePointer<Float>) {
        switch self {
        case .unitRange:
            for j in 0..<count { destination[j] = Float(pixels[j]) / 255 }
        case .raw:
            for j in 0..<count { destination[j] = Float(pixels[j]) }
        }
    }
}
