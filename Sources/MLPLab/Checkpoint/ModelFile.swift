import Foundation

/// A trained model as `model.safetensors`: the weights under the assignment's PyTorch names
/// (`layer1.weight` [out, in], `layer1.bias`, …) and, as metadata, everything needed to use it
/// elsewhere: class names, input size, input scaling, activation.
///
/// Loading it into the assignment's `Model` in PyTorch is `model.load_state_dict(load_file(path))`
/// (see scripts/check-torch-interop.py).
public struct ModelFile {
    /// The model's shape; its input size is imageWidth × imageHeight.
    public var configuration: ModelConfiguration
    /// The class of each logit, in order: logit i predicts `classNames[i]`.
    public var classNames: [String]
    /// Width in pixels of the images the model takes.
    public var imageWidth: Int
    /// Height in pixels of the images the model takes.
    public var imageHeight: Int
    /// How pixel bytes were turned into inputs in training; prediction must do the same.
    public var inputScaling: InputScaling
    /// Whether training brought its images to imageWidth × imageHeight with `data.image_folder.resize`
    /// (metadata "resized_to"): then an image of another size is resized the same way before
    /// prediction, as training did, instead of refused. False for files written before the key.
    public var resized = false
    /// In PyTorch's order (`layer1.weight` [out, in], `layer1.bias`, …), as the file stores them;
    /// `makeModel` puts them in the training order.
    public var parameters: [Float]

    /// The "format" metadata that marks a model file (a checkpoint's is "mlplab-checkpoint").
    public static let format = "mlplab-mlp"

    /// A model file holding a copy of `model`'s parameters.
    public init(model: MLP, classNames: [String], imageWidth: Int, imageHeight: Int, inputScaling: InputScaling, resized: Bool = false) {
        configuration = model.configuration
        self.classNames = classNames
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.inputScaling = inputScaling
        self.resized = resized
        parameters = model.pyTorchParameters
    }

    /// The model file of `model` trained on `dataset` (its classes and image size).
    public init(dataset: Dataset, model: MLP, scaling: InputScaling, resized: Bool = false) {
        self.init(model: model, classNames: dataset.classNames, imageWidth: dataset.imageWidth,
                  imageHeight: dataset.imageHeight, inputScaling: scaling, resized: resized)
    }

    /// Throws `CheckpointError.badMetadata` (naming `path`) when the parts of this model file
    /// disagree: a shape `ModelConfiguration.validate` refuses, an image size whose pixels are not
    /// the model's inputs, a class list not as long as its outputs, or parameters not as many as
    /// its layers hold. A file read from disk always agrees (its shape is derived from its
    /// metadata); one built in memory, or changed after, is checked here before it is written or
    /// classifies anything, since each of these sizes a buffer.
    public func validate(path: String = "model") throws {
        do { try configuration.validate() } catch let error as ConfigurationError {
            throw CheckpointError.badMetadata(path: path, key: "hidden_sizes", reason: "describes a model MLPLab cannot hold (\(error.description.trimmingCharacters(in: ["."])))")
        }
        let (inputs, overflow) = imageWidth.multipliedReportingOverflow(by: imageHeight)
        guard imageWidth >= 1, imageHeight >= 1, !overflow, inputs == configuration.inputSize else {
            throw CheckpointError.badMetadata(path: path, key: "input_width/input_height",
                                              reason: "give \(imageWidth)×\(imageHeight) pixels, but the model takes \(configuration.inputSize) inputs")
        }
        guard classNames.count == configuration.classCount else {
            throw CheckpointError.badMetadata(path: path, key: "classes",
                                              reason: "lists \(classNames.count) names, but the model has \(configuration.classCount) outputs")
        }
        guard parameters.count == configuration.parameterCount else {
            throw CheckpointError.badMetadata(path: path, key: "hidden_sizes",
                                              reason: "give \(configuration.parameterCount) parameters, but the file holds \(parameters.count)")
        }
    }

    /// A model with these parameters, ready for `forward`.
    public func makeModel() -> MLP {
        let model = MLP(configuration: configuration)
        model.load(pyTorchParameters: parameters)
        return model
    }

    /// The file's string metadata: format, version, classes and hidden sizes (as JSON), activation,
    /// initialization, input width, height and scaling, and "resized_to" ("14x14") when
    /// training resized its images (absent otherwise, so such files read as before).
    public var metadata: [String: String] {
        ModelFile.metadata(configuration: configuration, classNames: classNames, imageWidth: imageWidth,
                           imageHeight: imageHeight, inputScaling: inputScaling, resized: resized)
    }

    /// The metadata key that marks a model trained on resized images.
    public static let resizedKey = "resized_to"

    static func metadata(configuration: ModelConfiguration, classNames: [String], imageWidth: Int, imageHeight: Int,
                         inputScaling: InputScaling, resized: Bool = false) -> [String: String] {
        func json<T: Encodable>(_ value: T) -> String { (try? JSONCoding.string(value, pretty: false)) ?? "[]" }
        var metadata = [
            "format": ModelFile.format,
            "mlplab_version": MLPLabVersion.string,
            "classes": json(classNames),
            "hidden_sizes": json(configuration.hiddenSizes),
            "activation": configuration.activation.rawValue,
            "initialization": configuration.initialization.rawValue,
            "input_width": String(imageWidth),
            "input_height": String(imageHeight),
            "input_scaling": inputScaling.rawValue,
        ]
        if resized { metadata[resizedKey] = "\(imageWidth)x\(imageHeight)" }
        return metadata
    }

    /// Views of `values` (parameters, or a buffer of the same layout) as tensors named `prefix` +
    /// PyTorch's names, for writing without a copy. `values` must outlive the views. With
    /// `orientations` the weights in `values` are stored as those say (a training buffer, see
    /// MLP+Layout.swift: one per layer) and are written as PyTorch's [out, in]; nil: `values` is in
    /// PyTorch's order.
    public static func tensorViews(of values: UnsafeBufferPointer<Float>, configuration: ModelConfiguration, prefix: String = "",
                                   orientations: [WeightOrientation]? = nil) -> [SafeTensors.TensorView] {
        // The slices below are unchecked in release builds: a short buffer would be read past.
        precondition(values.count == configuration.parameterCount,
                     "ModelFile.tensorViews: \(values.count) values for a model of \(configuration.parameterCount) parameters")
        return MLP.layout(configuration).enumerated().flatMap { index, layer in
            [SafeTensors.TensorView(name: "\(prefix)layer\(index + 1).weight", shape: [layer.outputSize, layer.inputSize],
                                    values: UnsafeBufferPointer(rebasing: values[layer.weightRange]),
                                    storedTransposed: orientations?[index] == .inOut),
             SafeTensors.TensorView(name: "\(prefix)layer\(index + 1).bias", shape: [layer.outputSize],
                                    values: UnsafeBufferPointer(rebasing: values[layer.biasRange]))]
        }
    }

    /// The tensors of `values` named `prefix` + PyTorch's names, as copies.
    public static func tensors(of values: UnsafeBufferPointer<Float>, configuration: ModelConfiguration, prefix: String = "") -> [SafeTensors.Tensor] {
        tensorViews(of: values, configuration: configuration, prefix: prefix).map {
            SafeTensors.Tensor(name: $0.name, shape: $0.shape, values: Array($0.values))
        }
    }

    /// The whole file in memory: `metadata` and a copy of every tensor under PyTorch's names.
    public var safeTensors: SafeTensors {
        parameters.withUnsafeBufferPointer {
            SafeTensors(metadata: metadata, tensors: ModelFile.tensors(of: $0, configuration: configuration))
        }
    }

    /// Writes the model file to `path` atomically; throws `CheckpointError.cannotWrite`, and
    /// `CheckpointError.badMetadata` for a file whose parts disagree (`validate`).
    public func write(to path: String) throws {
        try validate(path: path)
        try parameters.withUnsafeBufferPointer { values in
            try ModelFile.write(values, configuration: configuration, metadata: metadata, to: path)
        }
    }

    /// Writes `model` as a model file, straight from its parameter buffer (no copy in memory).
    /// `resized`: the data set was brought to its size by `data.image_folder.resize` (see `resized`).
    public static func write(_ model: MLP, dataset: Dataset, scaling: InputScaling, resized: Bool = false, to path: String) throws {
        let metadata = ModelFile.metadata(configuration: model.configuration, classNames: dataset.classNames,
                                          imageWidth: dataset.imageWidth, imageHeight: dataset.imageHeight, inputScaling: scaling,
                                          resized: resized)
        try write(UnsafeBufferPointer(model.parameters.buffer), configuration: model.configuration, metadata: metadata,
                  orientations: model.orientations, to: path)
    }

    private static func write(_ values: UnsafeBufferPointer<Float>, configuration: ModelConfiguration, metadata: [String: String],
                              orientations: [WeightOrientation]? = nil, to path: String) throws {
        do {
            try SafeTensors.write(metadata: metadata, tensors: tensorViews(of: values, configuration: configuration, orientations: orientations), to: path)
        } catch let error as AtomicFileError {
            throw CheckpointError.cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Checks that this model can be used on `dataset`: same input size and the same classes.
    public func check(against dataset: Dataset, path: String) throws {
        guard imageWidth == dataset.imageWidth, imageHeight == dataset.imageHeight else {
            // A model trained on resized images fits this data resized as it was.
            let hint = resized ? "; it was trained with data.image_folder.resize \(imageWidth)x\(imageHeight), so pass that" : ""
            throw CheckpointError.dataMismatch(path: path, reason: "it takes \(imageWidth)×\(imageHeight) images, the data has \(dataset.imageWidth)×\(dataset.imageHeight)\(hint)")
        }
        guard classNames == dataset.classNames else {
            throw CheckpointError.dataMismatch(path: path, reason: "it knows \(classNames.count) classes (\(classNames.prefix(3).joined(separator: ", "))…), the data has \(dataset.classCount) (\(dataset.classNames.prefix(3).joined(separator: ", "))…)")
        }
    }
}
