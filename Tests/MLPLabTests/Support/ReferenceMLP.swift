import Foundation
import MLPLab

/// A plain Double implementation of the MLP's loss, written independently of the library's
/// kernels: the reference the gradient checks differentiate numerically.
struct ReferenceMLP {
    let sizes: [Int]
    let activation: Activation
    /// Dropout's factors (0 or 1/(1 − p)) per row, each hidden layer's activations one after
    /// another; nil for none.
    var masks: [[Double]]? = nil

    func f(_ z: Double) -> Double {
        switch activation {
        case .relu: return max(0, z)
        case .tanh: return Foundation.tanh(z)
        case .leakyReLU: return z > 0 ? z : 0.01 * z
        case .sigmoid: return 1 / (1 + Foundation.exp(-z))
        }
    }

    /// The logits of one input row, parameters laid out as PyTorch's named_parameters (weight
    /// [out, in], then bias) per layer.
    func logits(parameters: [Double], input: ArraySlice<Double>, row: Int = 0) -> [Double] {
        var a = Array(input)
        var offset = 0
        var maskOffset = 0
        for l in 0..<(sizes.count - 1) {
            let (n, m) = (sizes[l], sizes[l + 1])
            var z = [Double](repeating: 0, count: m)
            for o in 0..<m {
                var sum = parameters[offset + n * m + o]
                for i in 0..<n { sum += parameters[offset + o * n + i] * a[i] }
                z[o] = sum
            }
            offset += n * m + m
            a = l == sizes.count - 2 ? z : z.map(f)
            if let masks, l < sizes.count - 2 {
                for o in 0..<m { a[o] *= masks[row][maskOffset + o] }
                maskOffset += m
            }
        }
        return a
    }

    /// Mean cross-entropy of `inputs` (rows × sizes[0]) with `labels`, parameters laid out as
    /// PyTorch's named_parameters (weight [out, in], then bias) per layer.
    func loss(parameters: [Double], inputs: [Double], labels: [Int]) -> Double {
        let rows = labels.count
        var total = 0.0
        for r in 0..<rows {
            let a = logits(parameters: parameters, input: inputs[(r * sizes[0])..<((r + 1) * sizes[0])], row: r)
            let maximum = a.max()!
            let logSum = Foundation.log(a.map { Foundation.exp($0 - maximum) }.reduce(0, +)) + maximum
            total += logSum - a[labels[r]]
        }
        return total / Double(rows)
    }

    /// dL/dθ by central differences (L(θ+h) − L(θ−h)) / 2h, in `parameters`' order.
    func numericGradient(parameters: [Double], inputs: [Double], labels: [Int], h: Double = 1e-6) -> [Double] {
        var theta = parameters
        return theta.indices.map { i in
            let saved = theta[i]
            theta[i] = saved + h
            let plus = loss(parameters: theta, inputs: inputs, labels: labels)
            theta[i] = saved - h
            let minus = loss(parameters: theta, inputs: inputs, labels: labels)
            theta[i] = saved
            return (plus - minus) / (2 * h)
        }
    }
}
