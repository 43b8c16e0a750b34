/// Every buffer one training step touches, allocated once from the layer sizes and the largest
/// batch; a short final batch uses fewer rows of the same buffers. The forward's buffers hold
/// `capacity` rows (evaluation runs in batches larger than training's: the engine's products are
/// faster there), the backward's only `trainingCapacity`.
public final class Workspace {
    /// The largest batch the forward's buffers hold.
    public let capacity: Int
    /// The largest batch the backward's buffers (`logitGradient`, `scratch`) hold.
    public let trainingCapacity: Int
    /// The batch's inputs as floats (capacity × inputSize), filled by the batch loader.
    public let input: Matrix
    /// The batch's labels (capacity).
    public let labels: UnsafeMutablePointer<Int32>
    /// Each layer's activated output (capacity × width); the last holds the logits.
    public let outputs: [Matrix]
    /// dL/dlogits (trainingCapacity × classes), written by the loss.
    public let logitGradient: Matrix
    /// Two buffers (trainingCapacity × widest hidden input) for dL/dz of hidden layers, used alternately.
    public let scratch: [Matrix]
    /// dL/dθ in the parameters' layout.
    public let gradients: FloatBuffer
    /// Two batch × batch matrices for the gradient norms of fused updates (see
    /// `Linear.weightGradientSquaredNorm`); empty unless asked for.
    public let gram: FloatBuffer
    /// The most rows `gram` serves.
    public let gramCapacity: Int
    /// Each layer's weight converted for a bf16 engine (see ``InputCopy``): the forward fills it,
    /// the backward reuses it. Empty for float32.
    public let weightCopies: [InputCopy]
    /// Predicted classes of the batch (capacity), for evaluation.
    public let predictions: UnsafeMutablePointer<Int32>
    /// Per hidden layer, the training step's dropout mask (trainingCapacity × width: 0 or
    /// 1/(1 − p), see ``Dropout``); empty without dropout.
    public let dropoutMasks: [Matrix]

    private let storage: [FloatBuffer]

    /// `gramCapacity`: the largest training batch whose fused updates need Gram scratch (0: none).
    /// `precision`: the engine's, which decides whether the weights get converted copies.
    /// `trainingCapacity`: the largest batch `backward` runs on (default: `capacity`).
    public init(configuration: ModelConfiguration, capacity: Int, trainingCapacity: Int? = nil, gramCapacity: Int = 0,
                precision: Precision = .float32, dropout: Bool = false) {
        precondition(capacity >= 1, "Workspace needs a capacity of at least 1")
        let trainingCapacity = trainingCapacity ?? capacity
        precondition((1...capacity).contains(trainingCapacity), "Workspace: training capacity must be 1…capacity")
        self.capacity = capacity
        self.trainingCapacity = trainingCapacity
        let sizes = configuration.layerSizes
        var storage: [FloatBuffer] = []
        func matrix(_ columns: Int, rows: Int = capacity) -> Matrix {
            let buffer = FloatBuffer(count: rows * columns)
            storage.append(buffer)
            return Matrix(buffer.base, rows: rows, columns: columns)
        }
        input = matrix(sizes[0])
        outputs = sizes.dropFirst().map { matrix($0) }
        logitGradient = matrix(configuration.classCount, rows: trainingCapacity)
        let widestHiddenInput = sizes.dropFirst().dropLast().max() ?? 1
        scratch = [matrix(widestHiddenInput, rows: trainingCapacity), matrix(widestHiddenInput, rows: trainingCapacity)]
        dropoutMasks = dropout ? sizes.dropFirst().dropLast().map { matrix($0, rows: trainingCapacity) } : []
        self.storage = storage
        gradients = FloatBuffer(count: configuration.parameterCount)
        self.gramCapacity = gramCapacity
        gram = FloatBuffer(count: 2 * gramCapacity * gramCapacity)
        labels = .allocate(capacity: capacity)
        labels.initialize(repeating: 0, count: capacity)
        predictions = .allocate(capacity: capacity)
        predictions.initialize(repeating: 0, count: capacity)
        weightCopies = precision == .float32
            ? []
            : zip(sizes, sizes.dropFirst()).map { InputCopy(count: $0 * $1, precision: precision) }
    }

    /// Layer `index`'s weight copy when it serves `engine`'s precision, else nil (the engine
    /// converts per product, or, in float32, not at all).
    func weightCopy(_ index: Int, for engine: MatMul) -> InputCopy? {
        guard index < weightCopies.count, weightCopies[index].precision == engine.precision else { return nil }
        return weightCopies[index]
    }

    deinit {
        labels.deallocate()
        predictions.deallocate()
    }
}
