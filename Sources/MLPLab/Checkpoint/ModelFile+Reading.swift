import Foundation

/// Reading a model file, which may come from anywhere: every number in its metadata is checked
/// as a typed `model.hidden_sizes` or `model.input_size` would be, in arithmetic that cannot overflow, and its
/// tensors must be exactly the ones that metadata describes, with their shapes, before anything
/// sized by the metadata is allocated. So a file that claims `hidden_sizes: [100000000000]` is
/// one error naming that key, never an allocation of what it claims.
extension ModelFile {
    /// Reads a model written by MLPLab (or any safetensors file with the same names and metadata);
    /// its tensors must fit in `availableMemory` bytes.
    public init(contentsOf path: String, availableMemory: Double = SafeTensors.physicalMemory) throws {
        try self.init(SafeTensors(contentsOf: path, availableMemory: availableMemory), path: path)
    }

    /// Reads a model from a parsed safetensors `file`, checking its metadata and its tensors;
    /// `path` only names the file in errors. A file without "initialization" metadata reads as
    /// `.torch`. Throws `CheckpointError.badMetadata` naming the key for a value out of range,
    /// `missingTensor`, `wrongShape` or `unexpectedTensor` when the tensors are not the model's.
    public init(_ file: SafeTensors, path: String) throws {
        let description = try ModelFile.describe(file, path: path)
        configuration = description.configuration
        classNames = description.classNames
        imageWidth = description.imageWidth
        imageHeight = description.imageHeight
        inputScaling = description.inputScaling
        resized = description.resized
        parameters = try ModelFile.parameters(from: file, configuration: configuration, path: path)
    }

    /// The model `file` holds, with every check `init(_:path:)` makes, metadata and tensors,
    /// but without gathering the parameters: what a reader weighs against its memory before
    /// allocating anything the size of the model.
    public static func configuration(of file: SafeTensors, path: String) throws -> ModelConfiguration {
        try describe(file, path: path).configuration
    }

    /// A model file's metadata, checked, and its tensors' names and shapes checked against it.
    private static func describe(_ file: SafeTensors, path: String) throws
        -> (configuration: ModelConfiguration, classNames: [String], imageWidth: Int, imageHeight: Int, inputScaling: InputScaling, resized: Bool) {
        let metadata = MetadataReader(values: file.metadata, path: path)
        let classNames = try metadata.decode("classes", as: [String].self, kind: "a JSON list of class names")
        try metadata.require(!classNames.isEmpty, "classes", "is an empty list; a model has at least one class")
        try metadata.require(classNames.count <= ModelConfiguration.maximumClassCount, "classes",
                             "lists \(classNames.count) classes, more than the 2^31 a model may have")
        let hidden = try metadata.decode("hidden_sizes", as: [Int].self, kind: "a JSON list of whole numbers")
        try metadata.require(hidden.count <= ModelConfiguration.maximumHiddenLayers, "hidden_sizes",
                             "lists \(hidden.count) hidden layers, more than the \(ModelConfiguration.maximumHiddenLayers) a model may have")
        if let width = hidden.first(where: { !(1...ModelConfiguration.maximumWidth).contains($0) }) {
            throw metadata.error("hidden_sizes", "holds a width of \(width); a hidden layer has 1 to \(Format.grouped(Double(ModelConfiguration.maximumWidth))) units")
        }
        let activation: Activation = try metadata.choice("activation")
        let scaling: InputScaling = try metadata.choice("input_scaling")
        let width = try metadata.size("input_width"), height = try metadata.size("input_height")
        let (inputSize, overflow) = width.multipliedReportingOverflow(by: height)
        try metadata.require(!overflow && inputSize <= ModelConfiguration.maximumInputSize, "input_width/input_height",
                             "give \(width)×\(height) pixels, more than the 2^40 inputs a model may have")
        // "resized_to", when present, names the input size the training resized to: nothing else.
        let resized = file.metadata[ModelFile.resizedKey] != nil
        if let text = file.metadata[ModelFile.resizedKey] {
            try metadata.require(ImageSize(text).map { $0.width == width && $0.height == height } ?? false, ModelFile.resizedKey,
                                 "is not the input size \(width)x\(height) written as WIDTHxHEIGHT")
        }
        let initialization = file.metadata["initialization"].flatMap(Initialization.init(rawValue:)) ?? .torch
        let configuration = ModelConfiguration(inputSize: inputSize, hiddenSizes: hidden, classCount: classNames.count,
                                               activation: activation, initialization: initialization)
        try metadata.require(configuration.parameterCountInDouble < Double(ModelConfiguration.maximumParameterCount), "hidden_sizes",
                             "with the input size and classes give \(Format.significant(configuration.parameterCountInDouble)) parameters, more than the 2^50 a model may have")
        // The typed shape's own check as well, so that a rule added there holds for files too.
        do { try configuration.validate() } catch let error as ConfigurationError {
            throw metadata.error("hidden_sizes", "with the other keys describe a model MLPLab cannot hold (\(error.description.trimmingCharacters(in: ["."])))")
        }
        try ModelFile.checkTensorNames(in: file, are: ModelFile.tensorNames(configuration), path: path)
        _ = try ModelFile.tensors(in: file, configuration: configuration, path: path)
        return (configuration, classNames, width, height, scaling, resized)
    }

    /// The tensors a model of `configuration` has, each name led by `prefix`: "layer1.weight",
    /// "layer1.bias", … in storage order.
    public static func tensorNames(_ configuration: ModelConfiguration, prefix: String = "") -> [String] {
        (1..<configuration.layerSizes.count).flatMap { ["\(prefix)layer\($0).weight", "\(prefix)layer\($0).bias"] }
    }

    /// Throws `CheckpointError.unexpectedTensor` for the first tensor of `file` whose name is not
    /// one of `names`: a file with more layers than its description says is inconsistent, not a
    /// model to read part of.
    public static func checkTensorNames(in file: SafeTensors, are names: [String], path: String) throws {
        let expected = Set(names)
        if let extra = file.tensors.first(where: { !expected.contains($0.name) }) {
            throw CheckpointError.unexpectedTensor(path: path, name: extra.name)
        }
    }

    /// Gathers the tensors named `prefix` + layerN.weight/bias into one buffer in PyTorch's order
    /// (each at its layer's offset, a weight as stored, [out, in]).
    /// Every shape is checked first, so the buffer, `configuration.parameterCount` floats, is
    /// only allocated once the file is known to hold that many (`configuration` must be valid).
    public static func parameters(from file: SafeTensors, configuration: ModelConfiguration, prefix: String = "", path: String) throws -> [Float] {
        let sources = try tensors(in: file, configuration: configuration, prefix: prefix, path: path)
        var values = [Float](repeating: 0, count: configuration.parameterCount)
        for (tensor, offset) in sources {
            values.replaceSubrange(offset..<(offset + tensor.values.count), with: tensor.values)
        }
        return values
    }

    /// Each layer's weight and bias tensor in `file`, named `prefix` + layerN.weight/bias, with
    /// its offset in the parameters' layout; throws `missingTensor` or `wrongShape` for the
    /// first that is absent or not the shape `configuration` gives it.
    static func tensors(in file: SafeTensors, configuration: ModelConfiguration, prefix: String = "",
                        path: String) throws -> [(tensor: SafeTensors.Tensor, offset: Int)] {
        var sources: [(tensor: SafeTensors.Tensor, offset: Int)] = []
        for (index, layer) in MLP.layout(configuration).enumerated() {
            for (suffix, shape, offset) in [("weight", [layer.outputSize, layer.inputSize], layer.offset),
                                            ("bias", [layer.outputSize], layer.biasOffset)] {
                let name = "\(prefix)layer\(index + 1).\(suffix)"
                guard let tensor = file[name] else { throw CheckpointError.missingTensor(path: path, name: name) }
                guard tensor.shape == shape else { throw CheckpointError.wrongShape(path: path, name: name, expected: shape, actual: tensor.shape) }
                sources.append((tensor, offset))
            }
        }
        return sources
    }
}

/// A model file's string metadata, read key by key with errors that name the file and the key.
struct MetadataReader {
    var values: [String: String]
    var path: String

    func error(_ key: String, _ reason: String) -> CheckpointError {
        .badMetadata(path: path, key: key, reason: reason)
    }

    func require(_ condition: Bool, _ key: String, _ reason: @autoclosure () -> String) throws {
        if !condition { throw error(key, reason()) }
    }

    func value(_ key: String) throws -> String {
        guard let value = values[key] else { throw error(key, "is missing") }
        return value
    }

    /// The key's JSON value as `type`; `kind` says what it should be, for the error.
    func decode<T: Decodable>(_ key: String, as type: T.Type, kind: String) throws -> T {
        let text = try value(key)
        guard let decoded = try? JSONCoding.decode(T.self, from: Data(text.utf8)) else {
            throw error(key, "is not \(kind)")
        }
        return decoded
    }

    /// One of an enumeration's raw values.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String) throws -> T where T.RawValue == String {
        guard let choice = T(rawValue: try value(key)) else {
            throw error(key, "is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    /// A whole number of pixels, at least 1 and at most the largest input size.
    func size(_ key: String) throws -> Int {
        guard let size = Int(try value(key)), (1...ModelConfiguration.maximumInputSize).contains(size) else {
            throw error(key, "is not a whole number of pixels from 1 to 2^40")
        }
        return size
    }
}
