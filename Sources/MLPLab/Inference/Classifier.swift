import Foundation

/// A trained model ready to classify images: logits, probabilities, the most likely classes,
/// and evaluation on a data set, for a Swift program as for `mlplab evaluate` and `predict`.
///
/// Loaded from a model file, whose metadata says the classes, the image size and how pixels
/// are scaled; every method scales them that way, as training did. Images go through the model
/// `chunkSize` rows at a time in one workspace, made on first use and kept, so memory stays
/// bounded for any number of images. Not for use from several threads at once: the workspace
/// is shared; give each thread its own classifier.
///
/// ```swift
/// let classifier = try Classifier(contentsOf: "runs/lr0.053")
/// let image = try classifier.image(contentsOf: "shoe.png")
/// for guess in try classifier.top(3, of: [image])[0] { print(guess.name, guess.probability) }
/// ```
public final class Classifier {
    /// One class of a ranking: its index (the label), its name and its probability.
    public struct ClassProbability: Equatable, Sendable {
        /// The class index (the label): its position in `classNames` and in a row of logits.
        public var index: Int
        /// The class's name.
        public var name: String
        /// Its softmax probability, 0…1.
        public var probability: Float

        /// One ranked class.
        public init(index: Int, name: String, probability: Float) {
            self.index = index
            self.name = name
            self.probability = probability
        }
    }

    /// Rows per pass through the model: `TrainingRun.evaluationBatch` (1024), so that
    /// `evaluate` splits samples exactly as a run's evaluation does and gives the same numbers.
    public static let chunkSize = TrainingRun.evaluationBatch

    /// The network, holding the file's weights. Calling it directly skips the input scaling that
    /// this classifier's methods apply.
    public let model: MLP
    /// Class names in label order.
    public let classNames: [String]
    /// Width in pixels of the images the model takes; other sizes are refused, or resized when
    /// the model was trained on resized images (`resizesImages`).
    public let imageWidth: Int
    /// Height in pixels of the images the model takes.
    public let imageHeight: Int
    /// How pixel bytes become the model's inputs (from the model file's metadata).
    public let inputScaling: InputScaling
    /// Whether training resized its images to the model's size (`ModelFile.resized`): then an
    /// image of another size is resized with the same resizer (`GrayImage.resized`) before it
    /// is classified, preprocessed as in training.
    public let resizesImages: Bool
    /// Threads of the engine's products (at least 1).
    public let threads: Int
    /// The model file this classifier was read from, named in errors ("model" when made from a
    /// ``ModelFile`` in memory).
    public let path: String

    /// The file's metadata, for `check(against:)`; its parameters are dropped (they live in `model`).
    private let metadata: ModelFile
    private let engine: MatMul
    /// Made by the first pass and grown up to `chunkSize` rows when a later one needs more.
    private var workspace: Workspace?

    /// A classifier for the model in `file`, computing with `threads` threads (default: every
    /// core). `path` names the model in errors. Throws `CheckpointError.badMetadata` when the
    /// file's parts disagree (`ModelFile.validate`: its image size and classes size the buffers).
    public init(_ file: ModelFile, path: String = "model", threads: Int = CPUInfo.usableCores) throws {
        precondition(threads >= 1, "Classifier: threads must be at least 1 (got \(threads))")
        try file.validate(path: path)
        model = file.makeModel()
        classNames = file.classNames
        imageWidth = file.imageWidth
        imageHeight = file.imageHeight
        inputScaling = file.inputScaling
        resizesImages = file.resized
        self.threads = threads
        self.path = path
        var metadata = file
        metadata.parameters = []
        self.metadata = metadata
        MatMul.setThreadCount(threads)
        engine = MatMul()
    }

    /// Reads the model at `source`: a model.safetensors file or a run folder (its
    /// model.safetensors, see `modelPath(for:)`). Throws ``CheckpointError`` naming the file
    /// when it is unreadable or not an MLPLab model (its metadata out of range or not what its
    /// tensors are), and `.tooLargeForMemory` when classifying with it would need more than
    /// `availableMemory` bytes (`MemoryBudget.classifierBytes`; the machine's memory by
    /// default), checked before anything the size of the model is allocated.
    public convenience init(contentsOf source: String, threads: Int = CPUInfo.usableCores,
                            availableMemory: Double = MemoryBudget.physicalMemory) throws {
        let path = Classifier.modelPath(for: source)
        let file: ModelFile
        do { file = try Classifier.read(path, availableMemory: availableMemory) } catch let error as CheckpointError {
            throw RunFolder.asRunFileError(error, path: path)  // a run's own model file gets the run's advice
        }
        try self.init(file, path: path, threads: threads)
    }

    /// The model file at `path`, its shape weighed against `availableMemory` before its
    /// parameters are gathered; the parsed file is freed on return.
    private static func read(_ path: String, availableMemory: Double) throws -> ModelFile {
        let tensors = try SafeTensors(contentsOf: path, availableMemory: availableMemory)
        let needed = MemoryBudget.classifierBytes(model: try ModelFile.configuration(of: tensors, path: path))
        guard needed <= availableMemory else {
            throw CheckpointError.tooLargeForMemory(path: path, neededBytes: needed, availableBytes: availableMemory,
                                                    purpose: "to classify images (its weights, and the activations of \(chunkSize) images at a time)")
        }
        let file = try ModelFile(tensors, path: path)
        if let tensor = firstNonFiniteTensor(file) { throw CheckpointError.nonFiniteWeights(path: path, tensor: tensor) }
        return file
    }

    /// The name of the first tensor holding a nan or an infinity ("layer2.bias"), or nil. Such
    /// weights come from a run that diverged (`training.continue_on_non_finite` keeps training and saving): the
    /// probabilities they give are nan, or plausible numbers when ReLU turns nan into 0.
    static func firstNonFiniteTensor(_ file: ModelFile) -> String? {
        guard let bad = file.parameters.firstIndex(where: { !$0.isFinite }) else { return nil }
        let sizes = file.configuration.layerSizes
        var offset = 0
        for layer in 0..<(sizes.count - 1) {
            let weights = sizes[layer] * sizes[layer + 1], biases = sizes[layer + 1]
            if bad < offset + weights { return "layer\(layer + 1).weight" }
            if bad < offset + weights + biases { return "layer\(layer + 1).bias" }
            offset += weights + biases
        }
        return "a parameter"
    }

    /// The model file `source` means: `source`/model.safetensors when it is a folder (a run
    /// folder's kept model), else `source` itself.
    public static func modelPath(for source: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue {
            return (source.hasSuffix("/") && source.count > 1 ? String(source.dropLast()) : source) + "/model.safetensors"
        }
        return source
    }

    /// Number of classes: the length of a row of logits or probabilities.
    public var classCount: Int { classNames.count }
    /// Pixels per image: imageWidth × imageHeight, the model's input size.
    public var featureCount: Int { imageWidth * imageHeight }

    // MARK: Checks

    /// Throws `CheckpointError.dataMismatch` unless `dataset` has this model's image size and
    /// the same class names in the same order.
    public func check(against dataset: Dataset) throws {
        try metadata.check(against: dataset, path: path)
    }

    /// Throws `CheckpointError.imageSizeMismatch`, naming the image `name`, unless `image` has
    /// the model's size.
    public func check(_ image: GrayImage, name: String) throws {
        guard image.width == imageWidth, image.height == imageHeight else {
            throw CheckpointError.imageSizeMismatch(image: name, width: image.width, height: image.height,
                                                    modelWidth: imageWidth, modelHeight: imageHeight)
        }
    }

    /// `data` with the model's `data.image_folder.resize` added when the model was trained on resized images
    /// and `data` names none, so `evaluate` reads a data set as the training did.
    public func preparing(_ data: DataConfiguration) -> DataConfiguration {
        guard resizesImages, data.imageFolder.resize == nil else { return data }
        var data = data
        data.imageFolder.resize = ImageSize(width: imageWidth, height: imageHeight)
        return data
    }

    /// `image` as training would have given it to the model: resized to the model's size when
    /// the model was trained on resized images and `image` has another size, else as it is.
    /// Throws `DatasetError.cannotResize` (naming `path`) for a size stb_image_resize cannot make.
    public func prepared(_ image: GrayImage, path: String) throws -> GrayImage {
        guard resizesImages, image.width != imageWidth || image.height != imageHeight else { return image }
        return try image.resized(width: imageWidth, height: imageHeight, path: path)
    }

    /// The image file at `path` (any format `GrayImage.decode` reads), converted to gray as in
    /// training (Pillow's formula), and resized as in training when the model was trained with
    /// `data.image_folder.resize` (`prepared`). A header claiming more than `maximumPixels` is refused before
    /// decoding. Throws ``DatasetError`` when the file cannot be read or decoded,
    /// `CheckpointError.imageSizeMismatch` for another size when the model does not resize.
    public func image(contentsOf path: String, maximumPixels: Int = GrayImage.defaultMaximumPixels) throws -> GrayImage {
        let image = try prepared(try Classifier.decodedImage(contentsOf: path, maximumPixels: maximumPixels), path: path)
        try check(image, name: path)
        return image
    }

    /// The image file at `path` decoded and converted to gray, as it is (no model's resize).
    /// Throws ``DatasetError`` when the file cannot be read or decoded.
    static func decodedImage(contentsOf path: String, maximumPixels: Int) throws -> GrayImage {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch let error as FileReadError {
            throw DatasetError.unreadable(path: path, reason: error.reason)
        }
        return try GrayImage.decode(bytes, path: path, maximumPixels: maximumPixels)
    }

    /// The image files at `paths`, as `image(contentsOf:maximumPixels:)` reads each, in order.
    /// With `skippingUnreadable`, a file that cannot be read or decoded is left out and returned
    /// in `skipped` with its error (what the tool's `predict` lists when told to skip unreadable images); without it, the first
    /// such error is thrown. Another size is always thrown.
    public func images(contentsOf paths: [String], maximumPixels: Int = GrayImage.defaultMaximumPixels,
                       skippingUnreadable: Bool = false)
        throws -> (images: [GrayImage], paths: [String], skipped: [(path: String, error: DatasetError)])
    {
        var images: [GrayImage] = [], kept: [String] = [], skipped: [(path: String, error: DatasetError)] = []
        for path in paths {
            do {
                images.append(try image(contentsOf: path, maximumPixels: maximumPixels))
                kept.append(path)
            } catch let error as DatasetError where skippingUnreadable {
                skipped.append((path, error))
            }
        }
        return (images, kept, skipped)
    }

    // MARK: Logits and probabilities

    /// The logits of images given as bytes, rows × classCount, row-major.
    ///
    /// `pixels` holds rows × featureCount bytes (0…255), one image after another, row-major, as
    /// `Dataset.pixels`; its count must be a whole number of images. The bytes are scaled as the
    /// model's `inputScaling` says. Empty input gives an empty result.
    public func logits(pixels: [UInt8]) -> [Float] {
        let width = featureCount, classes = classCount
        precondition(pixels.count % width == 0,
                     "Classifier.logits: \(pixels.count) bytes are not whole \(imageWidth)×\(imageHeight) images")
        let rows = pixels.count / width
        var logits = [Float](repeating: 0, count: rows * classes)
        pixels.withUnsafeBufferPointer { pixels in
            logits.withUnsafeMutableBufferPointer { logits in
                forward(rows: rows, load: { range, workspace in
                    for (row, image) in zip(0..., range) {
                        inputScaling.convert(pixels.baseAddress! + image * width, count: width,
                                             into: workspace.input.base + row * width)
                    }
                }, use: { range, chunk, _ in
                    (logits.baseAddress! + range.lowerBound * classes).update(from: chunk.base, count: chunk.count)
                })
            }
        }
        return logits
    }

    /// The logits of `images`, images.count × classCount, row-major, each `prepared` first.
    /// Throws `CheckpointError.imageSizeMismatch` (naming "images[i]") for an image of another
    /// size when the model does not resize.
    public func logits(_ images: [GrayImage]) throws -> [Float] {
        let images = try images.enumerated().map { try prepared($1, path: "images[\($0)]") }
        for (index, image) in images.enumerated() { try check(image, name: "images[\(index)]") }
        return logits(pixels: images.flatMap(\.pixels))
    }

    /// The softmax of each row of `logits` (rows × classCount, row-major, as `logits(_:)`
    /// returns them), in the same layout: each row sums to 1 within about 1e-6. Computed by
    /// `SoftmaxCrossEntropy.softmax`, the loss's own.
    public func probabilities(logits: [Float]) -> [Float] {
        let classes = classCount
        precondition(logits.count % classes == 0, "Classifier.probabilities: \(logits.count) logits are not whole rows of \(classes)")
        var probabilities = logits
        probabilities.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let matrix = Matrix(base, rows: buffer.count / classes, columns: classes)
            SoftmaxCrossEntropy.softmax(logits: matrix, into: matrix)
        }
        return probabilities
    }

    /// The class probabilities of `images`, images.count × classCount, row-major. Throws as
    /// `logits(_:)` does.
    public func probabilities(_ images: [GrayImage]) throws -> [Float] {
        probabilities(logits: try logits(images))
    }

    // MARK: Ranking

    /// The `k` most likely classes of one row of probabilities (classCount values), most likely
    /// first; equal probabilities go to the lower class index first (as `MLP.predictions`' argmax
    /// does), and NaN ranks last. Fewer than `k` when the model has fewer classes.
    public func top(_ k: Int, of probabilities: ArraySlice<Float>) -> [ClassProbability] {
        precondition(probabilities.count == classCount,
                     "Classifier.top: \(probabilities.count) probabilities for \(classCount) classes")
        let row = Array(probabilities)
        func key(_ index: Int) -> Float { row[index].isNaN ? -.infinity : row[index] }
        let order = row.indices.sorted { key($0) > key($1) || (key($0) == key($1) && $0 < $1) }
        return order.prefix(max(k, 0)).map { ClassProbability(index: $0, name: classNames[$0], probability: row[$0]) }
    }

    /// The `k` most likely classes of each image, ranked as `top(_:of:)` ranks one row.
    /// Throws as `logits(_:)` does.
    public func top(_ k: Int, of images: [GrayImage]) throws -> [[ClassProbability]] {
        let probabilities = try probabilities(images)
        return images.indices.map { top(k, of: probabilities[($0 * classCount)..<(($0 + 1) * classCount)]) }
    }

    // MARK: Evaluation

    /// The model's predictions on the samples `indices` of `dataset`: the confusion matrix
    /// (overall and per-class accuracy) and the mean cross-entropy.
    ///
    /// Bit for bit what `TrainingRun.evaluate` gives for the same weights, threads and
    /// indices (same chunks of `chunkSize`, same loss summed per chunk in Double), when the run's
    /// batch size is at most `chunkSize` and it computes in float32. Throws as
    /// `check(against:)` does when the data does not fit the model.
    public func evaluate(_ indices: [Int], of dataset: Dataset) throws -> Evaluation {
        try check(against: dataset)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        var lossSum = 0.0
        forward(rows: indices.count, load: { range, workspace in
            BatchLoader.gather(indices[range], from: dataset, scaling: inputScaling, into: workspace.input, labels: workspace.labels)
        }, use: { range, logits, workspace in
            lossSum += SoftmaxCrossEntropy.loss(logits: logits, labels: workspace.labels) * Double(range.count)
            MLP.predictions(logits: logits, into: workspace.predictions)
            for row in 0..<range.count {
                confusion[Int(workspace.labels[row])][Int(workspace.predictions[row])] += 1
            }
        })
        return Evaluation(confusion: confusion, loss: lossSum / Double(max(indices.count, 1)))
    }

    /// The class probabilities of the samples `indices` of `dataset`, indices.count × classCount,
    /// row-major, computed in the chunks `evaluate(_:of:)` uses. Throws as `check(against:)` does
    /// when the data does not fit the model.
    public func probabilities(_ indices: [Int], of dataset: Dataset) throws -> [Float] {
        try check(against: dataset)
        let classes = classCount
        var probabilities = [Float](repeating: 0, count: indices.count * classes)
        probabilities.withUnsafeMutableBufferPointer { output in
            forward(rows: indices.count, load: { range, workspace in
                BatchLoader.gather(indices[range], from: dataset, scaling: inputScaling, into: workspace.input, labels: workspace.labels)
            }, use: { range, logits, _ in
                let rows = Matrix(output.baseAddress! + range.lowerBound * classes, rows: range.count, columns: classes)
                SoftmaxCrossEntropy.softmax(logits: logits, into: rows)
            })
        }
        return probabilities
    }

    // MARK: The pass

    /// Runs `rows` rows through the model, `chunkSize` at a time: `load` fills the workspace's
    /// first range.count input rows (and labels, if it has any) for rows `range`; `use` reads
    /// that chunk's logits (range.count × classCount, valid until the next chunk).
    private func forward(rows: Int, load: (Range<Int>, Workspace) -> Void, use: (Range<Int>, Matrix, Workspace) -> Void) {
        guard rows > 0 else { return }
        MatMul.setThreadCount(threads)  // per call: OpenMP keeps the count per calling thread
        let needed = min(rows, Classifier.chunkSize)
        if workspace == nil || workspace!.capacity < needed {
            workspace = Workspace(configuration: model.configuration, capacity: needed, trainingCapacity: 1)
        }
        let workspace = workspace!
        var start = 0
        while start < rows {
            let range = start..<min(rows, start + Classifier.chunkSize)
            load(range, workspace)
            use(range, model.forward(workspace, rows: range.count, engine: engine), workspace)
            start = range.upperBound
        }
    }
}
