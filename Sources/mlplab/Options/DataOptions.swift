import ArgumentParser
import Foundation
import MLPLab

/// Which data to use and how to split it; shared by every command that reads data.
struct DataOptions: ParsableArguments {
    @Argument(help: "The data: 'fashion-mnist' (built in), a folder with one sub-folder of images per class, or a folder holding IDX files.")
    var data: String = FashionMNIST.name

    @Option(name: .customLong("data-dir"), parsing: .unconditional, help: ArgumentHelp(
        "Folder holding Fashion-MNIST's IDX files (default: $MLPLAB_DATA, else \(FashionMNIST.defaultDirectory)).",
        valueName: "folder"))
    var dataDirectory: String?

    @Option(name: .customLong("val"), parsing: .unconditional, help: ArgumentHelp("Fraction of the training data held out (stratified, seeded) for validation; 0 for none.", valueName: "fraction"))
    var validationFraction: Double = 0.1

    @Option(name: .customLong("test"), parsing: .unconditional, help: ArgumentHelp("Fraction held out for testing when the data has no official test set.", valueName: "fraction"))
    var testFraction: Double = 0.2

    @Option(parsing: .unconditional, help: ArgumentHelp("Train on a stratified subset of this many training images (quick runs).", valueName: "count"))
    var subset: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Resize every image of a folder to this size (e.g. 60x80) instead of requiring one size.", valueName: "WxH"),
            transform: DataOptions.parseSize)
    var resize: ImageSize?

    @Flag(name: .customLong("skip-unreadable"), help: "Skip images that cannot be read or decoded, and list them, instead of stopping.")
    var skipUnreadable = false

    @Option(name: .customLong("cache-dir"), parsing: .unconditional, help: ArgumentHelp("Where decoded image folders are cached (default: ~/.cache/mlplab).", valueName: "folder"))
    var cacheDirectory: String?

    @Flag(name: .customLong("no-cache"), help: "Decode image folders every time; neither read nor write the cache.")
    var noCache = false

    @Option(name: .customLong("max-pixels"), parsing: .unconditional, help: ArgumentHelp("Refuse images whose header claims more pixels than this.", valueName: "n"))
    var maximumPixels: Int = GrayImage.defaultMaximumPixels

    @Option(name: .customLong("max-files"), parsing: .unconditional, help: ArgumentHelp("Refuse image folders with more image files than this.", valueName: "n"))
    var maximumFiles: Int = ImageFolderOptions().maximumFiles

    @Option(name: .customLong("max-decoded-bytes"), parsing: .unconditional, help: ArgumentHelp(
        "Refuse image folders whose images would decode to more bytes than this (checked from the first image's header, before decoding).",
        valueName: "n"))
    var maximumDecodedBytes: Int = ImageFolderOptions().maximumDecodedBytes

    static func parseSize(_ text: String) throws -> ImageSize {
        guard let size = ImageSize(text) else {
            throw ValidationError("sizes are WIDTHxHEIGHT with whole numbers from 1 to 65536, e.g. 60x80")
        }
        return size
    }

    func validate() throws {
        guard maximumPixels >= 1 else { throw ValidationError("--max-pixels must be at least 1 (got \(maximumPixels)).") }
        guard maximumFiles >= 1 else { throw ValidationError("--max-files must be at least 1 (got \(maximumFiles)).") }
        guard maximumDecodedBytes >= 1 else { throw ValidationError("--max-decoded-bytes must be at least 1 (got \(maximumDecodedBytes)).") }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw ValidationError("--val must be at least 0 and below 1 (got \(validationFraction)); 0.1 holds out a tenth.")
        }
        guard testFraction > 0, testFraction < 1 else {
            throw ValidationError("--test must be above 0 and below 1 (got \(testFraction)); 0.2 holds out a fifth.")
        }
        if let subset, subset < 1 {
            throw ValidationError("--subset must be at least 1 (got \(subset)).")
        }
    }

    var configuration: DataConfiguration {
        var configuration = DataConfiguration()
        configuration.source = data
        configuration.validationFraction = validationFraction
        configuration.testFraction = testFraction
        configuration.trainLimit = subset
        configuration.dataDirectory = dataDirectory
        configuration.imageFolder.resize = resize
        configuration.imageFolder.skipUnreadable = skipUnreadable
        configuration.imageFolder.maximumPixels = maximumPixels
        configuration.imageFolder.maximumFiles = maximumFiles
        configuration.imageFolder.maximumDecodedBytes = maximumDecodedBytes
        return configuration
    }

    var cache: DatasetCache? {
        noCache ? nil : DatasetCache(directory: cacheDirectory ?? DatasetCache.defaultDirectory)
    }

    /// Loads the data set these options name.
    func load(threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> Dataset {
        try DataOptions.load(configuration, threads: threads, cache: cache)
    }

    /// Loads the data set `configuration` names, with a progress bar while a folder decodes, and
    /// says on stderr which files were skipped or ignored.
    static func load(_ configuration: DataConfiguration, threads: Int, cache: DatasetCache?) throws -> Dataset {
        let data = configuration.source
        if data == FashionMNIST.name {
            return try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(configuration.dataDirectory))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) else {
            if data.contains("/") || data.contains(".") { throw DatasetError.notFound(path: data) }
            throw DatasetError.unknownName(data, known: [FashionMNIST.name])
        }
        if isDirectory.boolValue, FashionMNIST.isPresent(in: data) {
            var dataset = try FashionMNIST.load(directory: data)
            dataset.name = data
            return dataset
        }
        guard isDirectory.boolValue else {
            throw DatasetError.unreadable(path: data, reason: "it is a file; give a folder with one sub-folder of images per class")
        }
        let bar = ProgressBar(label: "decoding")
        let (dataset, report) = try ImageFolder.load(data, options: configuration.imageFolder, threads: threads, cache: cache,
                                                     progress: { bar.update($0, of: $1) })
        bar.finish()
        if !report.skipped.isEmpty {
            let examples = report.skipped.prefix(3).map { "\($0.path)" }.joined(separator: ", ")
            Terminal.error("skipped \(report.skipped.count) unreadable file\(report.skipped.count == 1 ? "" : "s") (--skip-unreadable): \(examples)\(report.skipped.count > 3 ? ", …" : "")")
        }
        if let problem = report.cacheProblem {
            Terminal.error("note: the decoded images were not cached (\(problem)); the next run decodes them again. --cache-dir chooses another folder, --no-cache skips caching.")
        }
        if report.ignoredCount > 0 {
            Terminal.error("ignored \(report.ignoredCount) file\(report.ignoredCount == 1 ? "" : "s") that are not images by their extension, e.g. \(report.ignoredExamples.joined(separator: ", "))")
        }
        return dataset
    }
}
