import Foundation

/// How weights and biases are set before training.
public enum Initialization: String, Codable, Sendable, CaseIterable {
    /// `nn.Linear`'s default: weight and bias ~ U(−1/√fanIn, +1/√fanIn)
    /// (kaiming_uniform with a = √5 gives exactly that bound for the weight).
    case torch
    /// Everything 0, the assignment's Part 5: hidden units stay identical and, with ReLU, dead.
    case zero
    /// Glorot/Xavier uniform: weight ~ U(±√(6/(fanIn+fanOut))), bias 0 (Keras' default).
    case xavier
    /// He/Kaiming uniform for ReLU: weight ~ U(±√(6/fanIn)), bias 0.
    case kaiming

    /// The bounds (weight, bias) of the uniform distributions for a layer; 0 means all zeros.
    public func bounds(inputSize fanIn: Int, outputSize fanOut: Int) -> (weight: Float, bias: Float) {
        switch self {
        case .torch:
            let bound = Float(1 / Double(fanIn).squareRoot())
            return (bound, bound)
        case .zero:
            return (0, 0)
        case .xavier:
            return (Float((6 / Double(fanIn + fanOut)).squareRoot()), 0)
        case .kaiming:
            return (Float((6 / Double(fanIn)).squareRoot()), 0)
        }
    }
}
