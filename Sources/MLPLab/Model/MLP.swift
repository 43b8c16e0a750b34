/// A multi-layer perceptron: Linear → activation, repeated, then a final Linear to the logits.
///
/// All parameters live in one contiguous ``FloatBuffer`` in PyTorch's `named_parameters()` order
/// (`layer1.weight`, `layer1.bias`, `layer2.weight`, …), each weight in its layer's
/// ``WeightOrientation`` (the training order, see MLP+Layout.swift: `pyTorchParameters` gives
/// PyTorch's); each ``Linear`` is a view into it.
public final class MLP {
    /// The shape the model was built from; fixed for the model's life.
    public let configuration: ModelConfiguration
    /// One view per Linear, input side first: `layerSizes.count - 1` layers, the last giving logits.
    public let layers: [Linear]
    /// Every weight and bias, `configuration.parameterCount` floats in `named_parameters()` order,
    /// each weight in its layer's orientation (the training order); the layers are views into it.
    public let parameters: FloatBuffer

    /// A model with all parameters zero; call `initialize(seed:)` or load a checkpoint. Each
    /// weight is stored in its entry of `orientations` (one per layer; nil: all `.inOut`).
    public init(configuration: ModelConfiguration, orientations: [WeightOrientation]? = nil) {
        self.configuration = configuration
        layers = MLP.layout(configuration, orientations: orientations)
        parameters = FloatBuffer(count: configuration.parameterCount)
    }

    /// How each layer's weight is stored, input side first.
    public var orientations: [WeightOrientation] { layers.map(\.orientation) }

    /// The layers' views, one after another in one buffer of `parameterCount` floats, each weight
    /// in its entry of `orientations` (nil: all `.inOut`; otherwise one per layer).
    public static func layout(_ configuration: ModelConfiguration, orientations: [WeightOrientation]? = nil) -> [Linear] {
        var layers: [Linear] = []
        var offset = 0
        let sizes = configuration.layerSizes
        precondition(orientations.map { $0.count == sizes.count - 1 } ?? true,
                     "MLP.layout: \(orientations?.count ?? 0) orientations for \(sizes.count - 1) layers")
        for (index, (inputSize, outputSize)) in zip(sizes, sizes.dropFirst()).enumerated() {
            let layer = Linear(inputSize: inputSize, outputSize: outputSize, offset: offset,
                               orientation: orientations?[index] ?? .inOut)
            layers.append(layer)
            offset += layer.parameterCount
        }
        return layers
    }

    /// Draws every parameter from the configured initialization, layer by layer, weight then
    /// bias, from the run's `initialization` random stream, in PyTorch's order (a weight row by
    /// row as [out, in]), each weight element stored at its place in its layer's orientation.
    public func initialize(seed: UInt64) {
        var generator = RandomGenerator(seed: seed, stream: .initialization)
        for layer in layers {
            let (weightBound, biasBound) = configuration.initialization.bounds(
                inputSize: layer.inputSize, outputSize: layer.outputSize)
            let weight = parameters.base + layer.offset
            for output in 0..<layer.outputSize {
                for input in 0..<layer.inputSize {
                    weight[layer.index(output: output, input: input)] = weightBound == 0 ? 0 : generator.nextFloat(in: -weightBound, weightBound)
                }
            }
            let bias = layer.bias(in: parameters)
            for i in 0..<layer.outputSize {
                bias[i] = biasBound == 0 ? 0 : generator.nextFloat(in: -biasBound, biasBound)
            }
        }
    }

    /// Runs the first `rows` rows of `workspace.input` through the network.
    ///
    /// Writes every layer's activated output into `workspace.outputs` (kept for `backward`); the
    /// last one holds the logits, which are returned. A bf16 engine converts each weight once,
    /// into the workspace's copy, which `backward` reuses.
    ///
    /// With `dropout`, each hidden layer's activations are multiplied by the workspace's masks
    /// (``Dropout/fillMasks(_:rows:firstRow:seed:step:)`` filled them for this step), as
    /// `nn.Dropout` does in training mode.
    @discardableResult
    public func forward(_ workspace: Workspace, rows: Int, engine: MatMul, dropout: Bool = false) -> Matrix {
        precondition(!dropout || workspace.dropoutMasks.count == layers.count - 1, "MLP.forward: the workspace has no dropout masks")
        var input = workspace.input.prefix(rows: rows)
        for (index, layer) in layers.enumerated() {
            let output = workspace.outputs[index].prefix(rows: rows)
            let isLast = index == layers.count - 1
            layer.forward(input: input, parameters: parameters, output: output,
                          activation: isLast ? nil : configuration.activation, engine: engine,
                          weightCopy: workspace.weightCopy(index, for: engine))
            if dropout && !isLast { MLP.multiply(output, by: workspace.dropoutMasks[index]) }
            input = output
        }
        return input
    }

    /// `values[i] *= factors[i]` over `values`' elements (`factors` has at least as many rows).
    static func multiply(_ values: Matrix, by factors: Matrix) {
        for i in 0..<values.count { values.base[i] *= factors.base[i] }
    }

    /// Backpropagates dL/dlogits, which the loss wrote into `workspace.logitGradient`, through
    /// every layer after a `forward` of the same `rows`, with the parameters unchanged since.
    ///
    /// Writes all parameter gradients into `workspace.gradients`, except the weight gradients of
    /// layers with a `weightUpdates[layer]`: for those the engine applies the optimizer's update
    /// in the product instead (see `Linear.backward`), and their gradients' squared norms, summed,
    /// are returned (0 when no layer is fused). Each activation's derivative and the bias gradient
    /// below it are one pass. Uses the workspace's two scratch buffers for dL/dz of the hidden
    /// layers, alternately, and its Gram scratch for the norms.
    ///
    /// `observer` is told of each layer, last first, as soon as its gradients (weights and bias)
    /// are written and before the layers below it are backpropagated: data-parallel training
    /// starts summing them over its processes there (``DataParallel``).
    ///
    /// After a `forward` with `dropout`, pass `dropout` (the same one): the gradient through each
    /// hidden layer's mask is masked too, and the layer's activations (which the next layer's
    /// weight gradient read as dropped) are scaled back by 1 − p for the activation's derivative.
    @discardableResult
    public func backward(_ workspace: Workspace, rows: Int, engine: MatMul, weightUpdates: [WeightUpdate?] = [],
                         observer: LayerGradientObserver? = nil, dropout: Dropout? = nil) -> Double {
        precondition(rows <= workspace.trainingCapacity, "MLP.backward: \(rows) rows, the workspace's backward holds \(workspace.trainingCapacity)")
        var fusedSquares = 0.0
        var outputGradient = workspace.logitGradient.prefix(rows: rows)
        for index in layers.indices.reversed() {
            let layer = layers[index]
            let input = index == 0 ? workspace.input.prefix(rows: rows) : workspace.outputs[index - 1].prefix(rows: rows)
            let inputGradient: Matrix? = index == 0
                ? nil
                : Matrix(workspace.scratch[index % 2].base, rows: rows, columns: layer.inputSize)
            let update = index < weightUpdates.count ? weightUpdates[index] : nil
            if update != nil {
                precondition(workspace.gramCapacity >= rows, "MLP.backward: the workspace has no Gram scratch for \(rows) rows")
                fusedSquares += layer.weightGradientSquaredNorm(input: input, outputGradient: outputGradient,
                                                                scratch: workspace.gram.base, engine: engine)
            }
            layer.backward(input: input, outputGradient: outputGradient, inputGradient: inputGradient,
                           parameters: parameters, gradients: workspace.gradients, weightUpdate: update,
                           biasGradientIsWritten: index < layers.count - 1, engine: engine,
                           weightCopy: workspace.weightCopy(index, for: engine))
            // The bias gradient was written with the activation's derivative one layer up (or
            // by `Linear.backward` for the last layer): the layer's gradients are complete.
            observer?.gradientsReady(layer: index, range: layer.offset..<layer.biasRange.upperBound, gradients: workspace.gradients)
            if let inputGradient {
                if let dropout {
                    MLP.multiply(inputGradient, by: workspace.dropoutMasks[index - 1])
                    let keep = 1 - dropout.probabilities[index - 1]
                    for i in 0..<input.count { input.base[i] *= keep }
                }
                configuration.activation.backward(output: input, gradient: inputGradient,
                                                  biasGradient: layers[index - 1].bias(in: workspace.gradients))
                outputGradient = inputGradient
            }
        }
        return fusedSquares
    }

    /// The predicted class of each of the first `rows` rows of `logits` (argmax, first on ties,
    /// like `torch.max`). NaN logits predict class 0, as the assignment's diverged models did.
    public static func predictions(logits: Matrix, into classes: UnsafeMutablePointer<Int32>) {
        for row in 0..<logits.rows {
            let z = logits.base + row * logits.columns
            var best = 0
            for j in 1..<logits.columns where z[j] > z[best] { best = j }
            classes[row] = Int32(best)
        }
    }
}


/// Told by `MLP.backward` as soon as a layer's parameter gradients are complete.
public protocol LayerGradientObserver: AnyObject {
    /// Layer `layer`'s weight and bias gradients, adjacent at `range` of `gradients`, are written
    /// and will not change again in this backward.
    func gradientsReady(layer: Int, range: Range<Int>, gradients: FloatBuffer)
}
