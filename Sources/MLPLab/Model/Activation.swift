import Foundation

/// The nonlinearity between hidden layers, each case with its derivative beside it.
///
/// The derivative is written in terms of the activation's *output* `a = f(z)`, not its input:
/// every supported function allows it, so the forward pass keeps only the outputs and the bias
/// and activation can be fused into the engine's product (see ``MatMul``).
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

    /// The function as a product's fused elementwise step.
    public var elementwise: Elementwise {
        switch self {
        case .relu: .relu(negativeSlope: 0)
        case .tanh: .tanh
        case .leakyReLU: .relu(negativeSlope: Activation.leakySlope)
        case .sigmoid: .logistic
        }
    }

    /// f(z), for reference paths and tests (training uses the engine's fused version).
    @inline(__always)
    public func callAsFunction(_ z: Float) -> Float { elementwise(z) }

    /// Multiplies `gradient` (dL/da, batch × width) in place by f'(z) given the outputs `a`,
    /// turning it into dL/dz. Reads `output`, updates `gradient`; both hold `count` floats.
    public func backward(output: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) {
        backward(output: Matrix(UnsafeMutablePointer(mutating: output), rows: 1, columns: count),
                 gradient: Matrix(gradient, rows: 1, columns: count), biasGradient: nil)
    }

    /// Turns `gradient` (dL/da, rows × width) in place into dL/dz = dL/da ⊙ f'(z), reading the
    /// outputs `a` (same shape); when `biasGradient` is given, the same pass writes the column
    /// sums of dL/dz into it: dL/db of the layer that produced `a`, added row by row in order, as
    /// ``Linear`` would in a separate pass.
    public func backward(output: Matrix, gradient: Matrix, biasGradient: UnsafeMutablePointer<Float>?) {
        precondition(output.rows == gradient.rows && output.columns == gradient.columns,
                     "Activation.backward: outputs and gradient differ in shape")
        switch self {
        case .relu: Activation.apply(output, gradient, biasGradient) { g, a in a > 0 ? g : 0 }
        case .tanh: Activation.apply(output, gradient, biasGradient) { g, a in g * (1 - a * a) }
        case .leakyReLU:
            let slope = Activation.leakySlope
            Activation.apply(output, gradient, biasGradient) { g, a in g * (a > 0 ? 1 : slope) }
        case .sigmoid: Activation.apply(output, gradient, biasGradient) { g, a in g * (a * (1 - a)) }
        }
    }

    @inline(__always)
    private static func apply(_ output: Matrix, _ gradient: Matrix, _ sums: UnsafeMutablePointer<Float>?,
                              _ dz: (_ g: Float, _ a: Float) -> Float) {
        let columns = output.columns
        if let sums { sums.update(repeating: 0, count: columns) }
        for row in 0..<output.rows {
            let a = output.base + row * columns, g = gradient.base + row * columns
            if let sums {
                for j in 0..<columns {
                    let value = dz(g[j], a[j])
                    g[j] = value
                    sums[j] += value
                }
            } else {
                for j in 0..<columns { g[j] = dz(g[j], a[j]) }
            }
        }
    }
}
