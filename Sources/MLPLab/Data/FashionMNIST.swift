import Foundation

/// Zalando's Fashion-MNIST, the built-in data set: 60,000 training and 10,000 test images of
/// 28×28 product photos in 10 classes, as shipped by Debian's `dataset-fashion-mnist`.
public enum FashionMNIST {
    /// The `DataConfiguration.source` that selects it, also its name in reports.
    public static let name = "fashion-mnist"
    /// Where Debian installs it.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    /// The class names in label order (Zalando's README).
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The directory to read: `directory` if given, else `$MLPLAB_DATA`, else Debian's.
    public static func resolveDirectory(_ directory: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        directory ?? environment["MLPLAB_DATA"] ?? defaultDirectory
    }

    /// Whether `directory` holds the four IDX files (gzipped or not).
    public static func isPresent(in directory: String) -> Bool {
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
            .allSatisfy { file(named: $0, in: directory) != nil }
    }

    /// Loads train and test into one ``Dataset``: samples 0..<60000 are train, the rest its
    /// official test set (`officialTestRange`).
    public static func load(directory: String) throws -> Dataset {
        guard isPresent(in: directory) else { throw DatasetError.fashionMNISTMissing(directory: directory) }
        let train = try IDXDataset.load(images: file(named: "train-images-idx3-ubyte", in: directory)!,
                                        labels: file(named: "train-labels-idx1-ubyte", in: directory)!)
        let test = try IDXDataset.load(images: file(named: "t10k-images-idx3-ubyte", in: directory)!,
                                       labels: file(named: "t10k-labels-idx1-ubyte", in: directory)!)
        guard train.width == test.width, train.height == test.height else {
            throw DatasetError.badDimensions(path: directory, reason: "train images are \(train.width)×\(train.height), test images \(test.width)×\(test.height)")
        }
        let classCount = classNames.count
        for (labels, path) in [(train.labels, "train labels"), (test.labels, "test labels")] {
            if let bad = labels.first(where: { Int($0) >= classCount }) {
                throw DatasetError.labelOutOfRange(path: "\(directory)/\(path)", label: Int(bad), classCount: classCount)
            }
        }
        return Dataset(name: name, classNames: classNames, imageWidth: train.width, imageHeight: train.height,
                       pixels: train.pixels + test.pixels, labels: train.labels + test.labels,
                       officialTestRange: train.labels.count..<(train.labels.count + test.labels.count))
    }

    static func file(named base: String, in directory: String) -> String? {
        for candidate in ["\(directory)/\(base).gz", "\(directory)/\(base)"] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }
}

/// An image IDX file and its label IDX file, checked against each other.
public enum IDXDataset {
    /// Reads an image IDX file (count × height × width) and its label IDX file (count), checking
    /// that they hold the same count. Pixels are row-major, image after image; labels are not yet
    /// checked against any class count.
    public static func load(images: String, labels: String) throws -> (pixels: [UInt8], labels: [Int32], width: Int, height: Int) {
        let imageFile = try IDXFile(path: images, expectedDimensionCount: 3)
        let labelFile = try IDXFile(path: labels, expectedDimensionCount: 1)
        let (count, height, width) = (imageFile.dimensions[0], imageFile.dimensions[1], imageFile.dimensions[2])
        guard width > 0, height > 0 else {
            throw DatasetError.badDimensions(path: images, reason: "images of \(width)×\(height) pixels")
        }
        // With 0 images the file's size checks nothing of width × height, which every later
        // product (a model's inputs, a resize) would overflow: both are checked here.
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= ModelConfiguration.maximumInputSize else {
            throw DatasetError.badDimensions(path: images, reason: "images of \(width)×\(height) pixels, more than the 2^40 inputs a model may have")
        }
        guard count > 0 else { throw DatasetError.badDimensions(path: images, reason: "no images (its count is 0)") }
        guard labelFile.dimensions[0] == count else {
            throw DatasetError.countMismatch(images: images, imageCount: count, labels: labels, labelCount: labelFile.dimensions[0])
        }
        return (imageFile.bytes, labelFile.bytes.map { Int32($0) }, width, height)
    }
}
