import Foundation

extension MemoryBudget {
    /// Bytes a ``TrainingRun`` of `model` and `training` allocates: the weights, their gradients,
    /// the optimizer's state (SGD's momentum buffer; Adam's two running means, three with
    /// AMSGrad), the best-on-validation copy (with a validation split),
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
        buffers += Double(training.optimizer.stateBufferNames.count)
        if validation { buffers += 1 }
        let stepRows = TrainingRun.stepRows(batchSize: training.batchSize, trainingSamples: trainingSamples)
        let rows = Double(max(stepRows, TrainingRun.evaluationBatch)), batch = Double(stepRows)
        let widestHidden = sizes.dropFirst().dropLast().max() ?? 1
        let masks = training.dropout == nil ? 0 : batch * sizes.dropFirst().dropLast().reduce(0, +)
        let activations = rows * sizes.reduce(0, +) + batch * (Double(model.classCount) + 2 * widestHidden) + masks
        let gram = 2 * batch * batch
        let copies = Double(InputCopy.elementBytes(MatMul.resolve(training.precision).precision))
            * (weightCount(model) + 3 * activations)
        return 4 * (buffers * parameters + activations + gram) + copies
    }

    /// Throws ``ModelTooLargeError`` when the training would need more than the machine's memory,
    /// less what the data set already holds (`otherBytes`).
    public static func check(model: ModelConfiguration, training: TrainingConfiguration, validation: Bool,
                             trainingSamples: Int? = nil, otherBytes: Int = 0,
                             available: Double = MemoryBudget.physicalMemory) throws {
        let needed = trainingBytes(model: model, training: training, validation: validation, trainingSamples: trainingSamples)
        guard needed + Double(otherBytes) > available else { return }
        throw ModelTooLargeError(shape: model.shapeDescription, parameters: parameterCount(model),
                                 neededBytes: needed + Double(otherBytes), availableBytes: available)
    }
}
