/// The results of one finished (or diverged) run, as `result.json` of its folder keeps them, so
/// a study can reuse the run without training it again.
public struct RunOutcome: Codable, Sendable {
    public var path: String
    public var record: RunRecord
    public var splitSizes: [String: Int]
    public var epochs: [EpochMetrics]
    public var trainAccuracy: Double
    public var testAccuracy: Double
    public var bestValidationAccuracy: Double?
    public var bestEpoch: Int?
    public var stoppedEarly: Bool
    public var divergence: Divergence?
    public var trainPerClass: [Double?]
    public var testPerClass: [Double?]
    public var trainingSeconds: Double
    public var samplesPerSecond: Double
    /// Parameters that are not exactly 0 in the kept model (Part 5's zero initialization).
    public var nonZeroParameters: Int
    public var parameterCount: Int
    /// Whether this outcome was read from a finished run folder instead of trained now.
    public var reused = false

    /// Validation accuracy of the kept weights, or, without validation, nil.
    public var validationAccuracy: Double? { bestValidationAccuracy }
    public var finalLoss: Double { epochs.last?.loss ?? .nan }
}
