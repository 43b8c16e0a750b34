/// Counts from evaluating a model on some samples.
public struct Evaluation: Codable, Equatable, Sendable {
    /// confusion[true class][predicted class] = samples.
    public var confusion: [[Int]]
    /// Mean cross-entropy.
    public var loss: Double

    /// Counts from a (classCount × classCount) confusion matrix and the mean loss over its samples.
    public init(confusion: [[Int]], loss: Double) {
        self.confusion = confusion
        self.loss = loss
    }

    /// Correct predictions per class.
    public var correct: [Int] { confusion.indices.map { confusion[$0][$0] } }
    /// Samples per class.
    public var total: [Int] { confusion.map { $0.reduce(0, +) } }

    /// Fraction of all samples predicted correctly, 0…1; 0 when there are none.
    public var accuracy: Double {
        let all = total.reduce(0, +)
        return all == 0 ? 0 : Double(correct.reduce(0, +)) / Double(all)
    }

    /// Accuracy of each class (nil for a class with no samples).
    public var perClassAccuracy: [Double?] {
        zip(correct, total).map { $1 == 0 ? nil : Double($0) / Double($1) }
    }
}
