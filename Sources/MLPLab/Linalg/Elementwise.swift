import Foundation

/// An elementwise function a product applies to every element of its result in the same pass
/// (oneDNN's eltwise post-op): how ``MatMul`` fuses a layer's activation. The model's
/// ``Activation`` maps onto it and keeps the derivatives.
public enum Elementwise: Hashable, Sendable {
    /// z for z > 0, else `negativeSlope`·z (0: ReLU).
    case relu(negativeSlope: Float)
    /// tanh(z).
    case tanh
    /// 1 / (1 + e^-z).
    case logistic

    /// f(z), for reference paths and tests (products apply the engine's fused version).
    @inline(__always)
    public func callAsFunction(_ z: Float) -> Float {
        switch self {
        case let .relu(slope): return z > 0 ? z : (slope == 0 ? 0 : slope * z)
        case .tanh: return Foundation.tanh(z)
        case .logistic: return 1 / (1 + Foundation.exp(-z))
        }
    }
}
