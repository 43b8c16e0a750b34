import Foundation

/// The nonlinearity between hidden layers, each case with its derivative beside it.
///
/// The derivative is written in terms of the activation's *output* `a = f(z)`, not its input:
/// every supported function allows it, so the forward pass keeps only the outputs and the bias
/// and activation can be fused into the engine's product (see `MatMul`).
public enum Activation: String, Codable, Sendable, CaseIterable, Hashable {
    /// max(0, z); PyTorch's backward uses (a > 0), so the derivative at 0 is 0.
    case relu
    /// tanh(z); derivative 1 - a².
    case tanh
    /// z for z > 0, else 0.01·z (PyTorch's default `negative_slope`); derivative 1 or 0.01.
    case leakyReLU = "leaky-relu"
    /// 1 / (1 + e^-z); derivative a·(1 - a).
    case sigmoid

    /// The slope for negative inputs of leaky ReLU, as in `torch.nn.functional.leaky_relu`.
    public static let leakySlope: Float = 0.01

    /// f(z), for reference paths and tests (training uses the engine's fused version).
    @inline(__always)
    public func callAsFunction(_ z: Float) -> Float {
        switch self {
        case .relu: return z > 0 ? z : 0
        case .tanh: return Foundation.tanh(z)
        case .leakyReLU: return z > 0 ? z : Activation.leakySlope * z
        case .sigmoid: return 1 / (1 + Foundation.exp(-z))
        }
    }

    /// Multiplies `gradient` (dL/da, batch × width) in place by f'(z) given the outputs `a`,
    /// turning it into dL/dz. Reads `output`, updates `gradient`; both hold `count` floats.
    public func backward(output: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .relu:
            for i in 0..<count { gradient[i] = output[i] > 0 ? gradient[i] : 0 }
        case .tanh:
            for i in 0..<count { gradient[i] *= 1 - output[i] * output[i] }
        case .leakyReLU:
            let slope = Activation.leakySlope
            for i in 0..<count { gradient[i] *= output[i] > 0 ? 1 : slope }
        case .sigmoid:
            for i in 0..<count { gradient[i] *= output[i] * (1 - output[i]) }
        }
    }
}
