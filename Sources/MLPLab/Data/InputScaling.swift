/// How image bytes become the model's input floats.
public enum InputScaling: String, Codable, Sendable, CaseIterable {
    /// x / 255, into 0…1: the assignment's `CustomToTensor(normalized=True)`.
    case unitRange = "divide-by-255"
    /// x as is, 0…255: the assignment's Part 3, which diverges at lr 0.01.
    case raw
}
