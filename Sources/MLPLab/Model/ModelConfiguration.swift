/// The shape of an MLP: input size, hidden widths, class count, activation and initialization.
///
/// Defaults follow the assignment: its 4800→3600→2400→1200→52 model has hidden widths of
/// ¾, ½ and ¼ of the input, so `defaultHiddenSizes(inputSize:)` gives 588, 392, 196 for 28×28.
public struct ModelConfiguration: Codable, Equatable, Sendable {
    /// Floats per sample: the pixels of one grayscale image, width × height (784 for 28×28).
    public var inputSize: Int
    /// Widths of the hidden layers, input side first; empty gives softmax regression (one Linear).
    public var hiddenSizes: [Int]
    /// Number of classes, the width of the logits (10 for Fashion-MNIST).
    public var classCount: Int
    /// The nonlinearity after every hidden layer; the last layer's logits go to softmax instead.
    public var activation: Activation
    /// How `MLP.initialize(seed:)` draws the starting parameters.
    public var initialization: Initialization

    /// A model shape with the assignment's defaults: `hiddenSizes` nil gives
    /// `defaultHiddenSizes(inputSize:)`, with ReLU and `nn.Linear`'s initialization. Not checked here;
    /// call `validate()`.
    public init(inputSize: Int, hiddenSizes: [Int]? = nil, classCount: Int,
                activation: Activation = .relu, initialization: Initialization = .torch) {
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes ?? ModelConfiguration.defaultHiddenSizes(inputSize: inputSize)
        self.classCount = classCount
        self.activation = activation
        self.initialization = initialization
    }

    /// ¾, ½ and ¼ of the input size (at least 1 each), as the assignment's 3600, 2400, 1200 are of 4800.
    public static func defaultHiddenSizes(inputSize: Int) -> [Int] {
        // inputSize / 4 * 3 + inputSize % 4 * 3 / 4 is inputSize * 3 / 4 without overflowing.
        [inputSize / 4 * 3 + inputSize % 4 * 3 / 4, inputSize / 2, inputSize / 4].map { max(1, $0) }
    }

    /// The widest hidden layer `parseHiddenSizes` accepts (a million: far past any MLP a CPU trains).
    public static let maximumWidth = 1_000_000

    /// "588,392,196" → [588, 392, 196]: whole numbers from 1 to `maximumWidth` separated by commas
    /// (spaces ignored); nil for anything else.
    public static func parseHiddenSizes(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let widths = parts.compactMap { Int($0.filter { $0 != " " }) }
        guard !parts.isEmpty, widths.count == parts.count, widths.allSatisfy({ $0 >= 1 && $0 <= maximumWidth }) else { return nil }
        return widths
    }

    /// The most hidden layers a model may have.
    public static let maximumHiddenLayers = 64
    /// The largest input size (pixels per image) a model may have: 2⁴⁰, far past any image,
    /// small enough that a row's size in bytes cannot overflow.
    public static let maximumInputSize = 1 << 40
    /// The most classes a model may have: 2³¹, as labels are Int32.
    public static let maximumClassCount = 1 << 31
    /// The most parameters a model may have: 2⁵⁰, so that counts and byte sizes never overflow.
    public static let maximumParameterCount = 1 << 50

    /// Throws ``ConfigurationError`` for a shape no MLP can have or this library cannot hold: an
    /// input size or class count below 1, a hidden width outside 1…`maximumWidth`, more than
    /// `maximumHiddenLayers` hidden layers, or `maximumParameterCount` (2⁵⁰) parameters or more.
    /// Whether the model fits in memory is ``MemoryBudget``'s question.
    public func validate() throws {
        try Check.whole(inputSize, "model.input_size", in: 1...Self.maximumInputSize, fix: "it is the number of pixels of an image")
        try Check.whole(classCount, "model.class_count", in: 1...Self.maximumClassCount)
        guard hiddenSizes.count <= Self.maximumHiddenLayers else {
            throw ConfigurationError(setting: "model.hidden_sizes", value: "\(hiddenSizes.count) layers", rule: "must hold at most \(Self.maximumHiddenLayers) layers")
        }
        // The default widths follow the input: a width too large there is the image size's doing.
        let fix = hiddenSizes == Self.defaultHiddenSizes(inputSize: inputSize)
            ? "the default widths are ¾, ½ and ¼ of the input size (\(inputSize)): give model.hidden_sizes, or use smaller images (data.image_folder.resize)"
            : "e.g. 588,392,196"
        for width in hiddenSizes { try Check.whole(width, "model.hidden_sizes", in: 1...Self.maximumWidth, fix: fix) }
        guard parameterCountInDouble < Double(Self.maximumParameterCount) else {
            throw ConfigurationError(setting: "model.hidden_sizes", value: hiddenSizes.map(String.init).joined(separator: ","),
                                     rule: "must give fewer than 2^50 parameters", fix: "choose smaller widths")
        }
    }

    /// Every layer's width from input to logits, e.g. [784, 588, 392, 196, 10].
    public var layerSizes: [Int] { [inputSize] + hiddenSizes + [classCount] }

    /// "784-588-392-196-10".
    public var shapeDescription: String { layerSizes.map(String.init).joined(separator: "-") }

    /// `parameterCount` computed in Double, which cannot overflow: for checking a shape that
    /// came from a file or the command line before any Int arithmetic on it.
    public var parameterCountInDouble: Double {
        let sizes = layerSizes.map(Double.init)
        return zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + $1.0 * $1.1 + $1.1 }
    }

    /// Weights and biases of all layers; traps on overflow, so call it on a validated shape.
    public var parameterCount: Int {
        zip(layerSizes, layerSizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 + $1.1 }
    }

    /// PyTorch's `named_parameters()` of the assignment's `Model`: `layer1.weight`, `layer1.bias`, …
    /// with their element counts, in storage order.
    public var namedParameterCounts: [(name: String, count: Int)] {
        zip(layerSizes, layerSizes.dropFirst()).enumerated().flatMap { index, sizes in
            [("layer\(index + 1).weight", sizes.0 * sizes.1), ("layer\(index + 1).bias", sizes.1)]
        }
    }
}
