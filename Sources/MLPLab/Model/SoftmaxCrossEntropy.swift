import Foundation

/// Softmax followed by cross-entropy, mean over the batch: PyTorch's `nn.CrossEntropyLoss()`.
public enum SoftmaxCrossEntropy {
    /// The mean loss over the rows of `logits`, and its gradient with respect to the logits.
    ///
    /// Per row, with m = max(z): loss = log Σ exp(z − m) + m − z[label] (log-sum-exp, so huge
    /// logits do not overflow). The gradient row is (softmax(z) − onehot(label)) / rows: the
    /// division by the batch size happens here, so learning rates mean what they mean in PyTorch.
    ///
    /// Reads `logits` (rows × classes) and `labels` (rows); writes `gradient` (rows × classes,
    /// may not alias `logits`). A non-finite logit gives a non-finite loss: it is reported, never
    /// hidden. Returns the mean loss, summed in Double.
    public static func lossAndGradient(logits: Matrix, labels: UnsafePointer<Int32>, gradient: Matrix) -> Double {
        precondition(gradient.rows == logits.rows && gradient.columns == logits.columns,
                     "SoftmaxCrossEntropy: gradient must have the logits' shape")
        let rows = logits.rows, classes = logits.columns
        guard rows > 0 else { return 0 }
        let scale = 1 / Float(rows)
        var total = 0.0
        for row in 0..<rows {
            let z = logits.base + row * classes
            let g = gradient.base + row * classes
            let label = Int(labels[row])
            precondition(label >= 0 && label < classes, "SoftmaxCrossEntropy: label \(label) outside 0..<\(classes)")
            var maximum = z[0]
            for j in 1..<classes where z[j] > maximum { maximum = z[j] }  // a NaN logit still makes the sum NaN
            var sum: Float = 0
            for j in 0..<classes {
                let e = Foundation.exp(z[j] - maximum)
                g[j] = e
                sum += e
            }
            let inverse = 1 / sum
            for j in 0..<classes { g[j] *= inverse * scale }
            g[label] -= scale
            total += Double(Foundation.log(sum) + maximum - z[label])
        }
        return total / Double(rows)
    }

    /// The mean loss alone (for evaluation), same formula.
    public static func loss(logits: Matrix, labels: UnsafePointer<Int32>) -> Double {
        let rows = logits.rows, classes = logits.columns
        guard rows > 0 else { return 0 }
        var total = 0.0
        for row in 0..<rows {
            let z = logits.base + row * classes
            var maximum = z[0]
            for j in 1..<classes where z[j] > maximum { maximum = z[j] }
            var sum: Float = 0
            for j in 0..<classes { sum += Foundation.exp(z[j] - maximum) }
            total += Double(Foundation.log(sum) + maximum - z[Int(labels[row])])
        }
        return total / Double(rows)
    }
}
