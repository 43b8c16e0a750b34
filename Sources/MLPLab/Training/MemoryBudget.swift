import Foundation

/// What a training holds in memory, reckoned before anything is allocated, so a model too large
/// for the machine (`--hidden 100000,100000`) is one clear error instead of an out-of-memory kill.
public enum MemoryBudget {
    /// Bytes a `TrainingRun` of `model` and `training` allocates: the weights, their gradients,
    /// the momentum buffer (with momentum), the best-on-validation copy (with a validation split),
    /// the workspace's forward activations for the larger of the batch and the evaluation batch
    /// and its backward buffers for the batch, the Gram scratch of fused updates, and with bf16
    /// products the converted weights (one copy) and inputs (an upper bound: three per
    /// activation). Computed in Double: absurd widths do not overflow.
    ///
    /// With `trainingSamples`, a batch larger than the training split counts as that split's
    /// size: no step ever fills more rows (`TrainingRun.stepRows`).
    public static func trainingBytes(model: ModelConfiguration, training: TrainingConfiguration, validation: Bool,
                                     trainingSamples: Int? = nil) -> Double {
        let sizes = model.layerSizes.map(Double.init)
        let parameters = parameterCount(model)
        var buffers = 2.0
        if training.optimizer.momentum != 0 { buffers += 1 }
        if validation { buffers += 1 }
        let stepRows = TrainingRun.stepRows(batchSize: training.batchSize, trainingSamples: trainingSamples)
        let rows = Double(max(stepRows, TrainingRun.evaluationBatch)), batch = Double(stepRows)
        let widestHidden = sizes.dropFirst().dropLast().max() ?? 1
        let activations = rows * sizes.reduce(0, +) + batch * (Double(model.classCount) + 2 * widestHidden)
        let gram = 2 * batch * batch
        let copies = Double(InputCopy.elementBytes(MatMul.resolve(training.precision).precision))
            * (weightCount(model) + 3 * activations)
        return 4 * (buffers * parameters + activations + gram) + copies
    }

    /// Bytes a `Classifier` of `model` holds at most: three copies of the parameters while it
    /// loads (the file's tensors, the model file's buffer, the network's) or after (the network's
    /// and the workspace's gradient buffer, which inference does not use but the workspace
    /// makes), and the forward activations of `rows` images. In Double: absurd widths do not
    /// overflow.
    public static func classifierBytes(model: ModelConfiguration, rows: Int = Classifier.chunkSize) -> Double {
        let sizes = model.layerSizes.map(Double.init)
        let widestHidden = sizes.dropFirst().dropLast().max() ?? 1
        let activations = Double(rows) * sizes.reduce(0, +) + Double(model.classCount) + 2 * widestHidden
        return 4 * (3 * parameterCount(model) + activations) + 8 * Double(rows)
    }

    /// The machine's physical memory in bytes.
    public static var physicalMemory: Double {
        Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Throws `ModelTooLargeError` when the training would need more than the machine's memory,
    /// less what the data set already holds (`otherBytes`).
    public static func check(model: ModelConfiguration, training: TrainingConfiguration, validation: Bool,
                             trainingSamples: Int? = nil, otherBytes: Int = 0,
                             available: Double = MemoryBudget.physicalMemory) throws {
        let needed = trainingBytes(model: model, training: training, validation: validation, trainingSamples: trainingSamples)
        guard needed + Double(otherBytes) > available else { return }
        throw ModelTooLargeError(shape: model.shapeDescription, parameters: parameterCount(model),
                                 neededBytes: needed + Double(otherBytes), availableBytes: available)
    }

    /// `model.parameterCount` in Double, which cannot overflow: the weights and one bias per
    /// non-input unit.
    static func parameterCount(_ model: ModelConfiguration) -> Double {
        weightCount(model) + model.layerSizes.dropFirst().reduce(0.0) { $0 + Double($1) }
    }

    /// The weights alone (no biases), in Double.
    static func weightCount(_ model: ModelConfiguration) -> Double {
        let sizes = model.layerSizes.map(Double.init)
        return zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + $1.0 * $1.1 }
    }
}

/// A model that cannot be trained in this machine's memory.
public struct ModelTooLargeError: Error, CustomStringConvertible {
    /// The model's layer widths, e.g. "4800-3600-2400-1200-52".
    public var shape: String
    /// Its weights and biases, as a Double: absurd widths can exceed what an Int holds.
    public var parameters: Double
    /// Bytes the training would need, the data set's pixels included.
    public var neededBytes: Double
    /// Bytes there are: the machine's physical memory, unless the check was given another figure.
    public var availableBytes: Double

    /// The message, with sizes in GB (10⁹ bytes) and what to make smaller.
    public var description: String {
        String(format: "the model %@ has %.3g parameters; training it needs %.1f GB with the data, and this machine has %.1f GB. "
               + "Choose smaller --hidden widths (or a smaller --batch-size).",
               shape, parameters, neededBytes / 1e9, availableBytes / 1e9)
    }
}
