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
    ///
    /// `batchRows`, when given, is the rows of the whole batch these rows are part of (a share
    /// of it, in data-parallel training): the gradient is divided by it instead, so that the
    /// shares' gradients add up to the batch's. The returned loss stays the mean over `logits`' rows.
    public static func lossAndGradient(logits: Matrix, labels: UnsafePointer<Int32>, gradient: Matrix,
                                       batchRows: Int? = nil) -> Double {
        precondition(gradient.rows == logits.rows && gradient.columns == logits.columns,
                     "SoftmaxCrossEntropy: gradient must have the logits' shape")
        let rows = logits.rows, classes = logits.columns
        guard rows > 0 else { return 0 }
        let scale = 1 / Float(batchRows ?? rows)
        var total = 0.0
        for row in 0..<rows {
            let z = logits.base + row * classes
            let g = gradient.base + row * classes
            let label = Int(labels[row])
            precondition(label >= 0 && label < classes, "SoftmaxCrossEntropy: label \(label) outside 0..<\(classes)")
            let (maximum, sum) = exponentials(of: z, count: classes, into: g)
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
            let (maximum, sum) = exponentials(of: z, count: classes, into: nil)
            total += Double(Foundation.log(sum) + maximum - z[Int(labels[row])])
        }
        return total / Double(rows)
    }

    /// Softmax of each row of `logits`: p[j] = exp(z[j] − m) / Σ exp(z − m), with m = max(z).
    ///
    /// The probabilities of the loss above, from the same exponentials and the same Float sum
    /// (subtracting the maximum keeps exp from overflowing on large logits). Reads `logits`
    /// (rows × classes); writes `probabilities` (rows × classes), which may be `logits` itself.
    /// Each row sums to 1 within a few Float roundings (about 1e-6 for ten classes); a NaN
    /// logit makes its row NaN.
    public static func softmax(logits: Matrix, into probabilities: Matrix) {
        precondition(probabilities.rows == logits.rows && probabilities.columns == logits.columns,
                     "SoftmaxCrossEntropy.softmax: probabilities must have the logits' shape")
        let rows = logits.rows, classes = logits.columns
        guard classes > 0 else { return }
        for row in 0..<rows {
            let p = probabilities.base + row * classes
            let (_, sum) = exponentials(of: logits.base + row * classes, count: classes, into: p)
            let inverse = 1 / sum
            for j in 0..<classes { p[j] *= inverse }
        }
    }

    /// m = max(z) over one row of `count` logits, and Σ exp(z − m) summed in Float; writes each
    /// exp(z − m) to `exponentials` when given (which may be `z` itself: each z[j] is read before
    /// its exponential is written). The one place the softmax's exponentials are computed, for
    /// the loss, its gradient and `softmax`.
    @inline(__always)
    static func exponentials(of z: UnsafePointer<Float>, count: Int,
                             into exponentials: UnsafeMutablePointer<Float>?) -> (maximum: Float, sum: Float) {
        var maximum = z[0]
        for j in 1..<count where z[j] > maximum { maximum = z[j] }  // a NaN logit still makes the sum NaN
        var sum: Float = 0
        for j in 0..<count {
            let e = Foundation.exp(z[j] - maximum)
            exponentials?[j] = e
            sum += e
        }
        return (maximum, sum)
    }
}
