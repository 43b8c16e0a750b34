import Foundation

/// How the learning rate changes over epochs (set once per epoch, like PyTorch's epoch-level
/// schedulers).
public enum LearningRateSchedule: String, Codable, Sendable, CaseIterable {
    /// The same rate every epoch (the assignment).
    case constant
    /// ×0.1 after half of the epochs and again after three quarters (MultiStepLR-style).
    case step
    /// lr · ½(1 + cos(π·(epoch−1)/epochs)): `CosineAnnealingLR` with T_max = epochs, eta_min 0.
    case cosine

    /// The rate for `epoch` (1-based) of `epochs`.
    public func learningRate(base: Double, epoch: Int, epochs: Int) -> Double {
        switch self {
        case .constant:
            return base
        case .step:
            let done = Double(epoch - 1) / Double(max(epochs, 1))
            return base * (done >= 0.75 ? 0.01 : done >= 0.5 ? 0.1 : 1)
        case .cosine:
            return base * 0.5 * (1 + cos(Double.pi * Double(epoch - 1) / Double(max(epochs, 1))))
        }
    }
}
