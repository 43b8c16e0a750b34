/// Where the data comes from and how it is split.
///
/// Defaults: Fashion-MNIST, a tenth of the training data held out for validation, a fifth of a
/// folder held out for testing (a data set with an official test split keeps it).
public struct DataConfiguration: Codable, Equatable, Sendable {
    /// "fashion-mnist", a folder with one sub-folder of images per class, or a folder of IDX files.
    public var source = FashionMNIST.name
    /// Fraction of the training data held out (stratified, seeded) for validation; 0 for none.
    public var validationFraction = 0.1
    /// Fraction held out for testing, used when the data has no official test set.
    public var testFraction = 0.2
    /// Keep only this many training samples (stratified), for quick runs; nil for all.
    public var trainLimit: Int?
    /// Where Fashion-MNIST's files are read from (nil: $MLPLAB_DATA, else Debian's folder).
    public var dataDirectory: String?
    /// How an image folder is read.
    public var imageFolder = ImageFolderOptions()

    /// The defaults: Fashion-MNIST (from $MLPLAB_DATA, else Debian's folder), a tenth held out for
    /// validation, a fifth for testing where the data has no official test set, all training samples.
    public init() {}

    /// Throws ``ConfigurationError`` for a value no split can use: fractions outside their range,
    /// a subset below 1, folder limits below 1, a resize outside 1…65536.
    public func validate() throws {
        guard validationFraction >= 0, validationFraction < 1 else {
            throw ConfigurationError(setting: "data.validation_fraction", value: validationFraction, rule: "must be at least 0 and below 1", fix: "0.1 holds out a tenth")
        }
        guard testFraction > 0, testFraction < 1 else {
            throw ConfigurationError(setting: "data.test_fraction", value: testFraction, rule: "must be above 0 and below 1", fix: "0.2 holds out a fifth")
        }
        if let trainLimit { try Check.whole(trainLimit, "data.train_limit", in: 1...Int.max) }
        try imageFolder.validate()
    }
}

extension ImageFolderOptions {
    /// Throws ``ConfigurationError`` for limits below 1 or a resize outside 1…65536.
    public func validate() throws {
        try Check.whole(maximumPixels, "data.image_folder.maximum_pixels", in: 1...Int.max)
        try Check.whole(maximumFiles, "data.image_folder.maximum_files", in: 1...Int.max)
        try Check.whole(maximumDecodedBytes, "data.image_folder.maximum_decoded_bytes", in: 1...Int.max)
        if let resize, ImageSize(resize.description) != resize {
            throw ConfigurationError(setting: "data.image_folder.resize", value: resize, rule: "must be WIDTHxHEIGHT with whole numbers from 1 to 65536", fix: "e.g. 60x80")
        }
    }
}
