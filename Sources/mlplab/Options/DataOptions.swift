import ArgumentParser
import Foundation
import MLPLab

/// Which data to use and how to split it; shared by every command that reads data. Options left
/// out keep the configuration's value (the default, or a resumed run's).
struct DataOptions: ParsableArguments {
    @Argument(help: "The data: 'fashion-mnist' (built in, the default), a folder with one sub-folder of images per class, or a folder holding IDX files.")
    var data: String?

    @OptionGroup var directory: DataDirectoryOption
    var dataDirectory: String? { directory.dataDirectory }

    @Option(name: .customLong("val"), parsing: .unconditional, help: ArgumentHelp("Fraction of the training data held out (stratified, seeded) for validation; 0 for none (default: 0.1).", valueName: "fraction"))
    var validationFraction: Double?

    @Option(name: .customLong("test"), parsing: .unconditional, help: ArgumentHelp("Fraction held out for testing when the data has no official test set (default: 0.2).", valueName: "fraction"))
    var testFraction: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Train on a stratified subset of this many training images (quick runs).", valueName: "count"))
    var subset: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Resize every image to this size (e.g. 60x80 or, for Fashion-MNIST, 14x14); a folder's images then need not share one size.", valueName: "WxH"),
            transform: DataOptions.parseSize)
    var resize: ImageSize?

    @Flag(name: .customLong("skip-unreadable"), help: "Skip images that cannot be read or decoded instead of stopping; a few are named on stderr, all of them in info --json and the run's summary.md.")
    var skipUnreadable = false

    @OptionGroup var cacheOptions: CacheOptions

    @Option(name: .customLong("max-pixels"), parsing: .unconditional, help: ArgumentHelp("Refuse images whose header claims more pixels than this (default: \(GrayImage.defaultMaximumPixels)).", valueName: "n"))
    var maximumPixels: Int?

    @Option(name: .customLong("max-files"), parsing: .unconditional, help: ArgumentHelp("Refuse image folders with more image files than this (default: \(ImageFolderOptions().maximumFiles)).", valueName: "n"))
    var maximumFiles: Int?

    @Option(name: .customLong("max-decoded-bytes"), parsing: .unconditional, help: ArgumentHelp(
        "Refuse image folders whose images would decode to more bytes than this, checked from the first image's header before decoding, and a --resize that would bring any data set past it (default: \(ImageFolderOptions().maximumDecodedBytes)).",
        valueName: "n"))
    var maximumDecodedBytes: Int?

    static func parseSize(_ text: String) throws -> ImageSize {
        guard let size = ImageSize(text) else {
            throw ValidationError("sizes are WIDTHxHEIGHT with whole numbers from 1 to 65536, e.g. 60x80")
        }
        return size
    }

    func validate() throws {
        try checked { try configuration().validate() }
    }

    /// `base` with every option that was given applied.
    func configuration(base: DataConfiguration = DataConfiguration()) -> DataConfiguration {
        var configuration = base
        if let data { configuration.source = data }
        if let validationFraction { configuration.validationFraction = validationFraction }
        if let testFraction { configuration.testFraction = testFraction }
        if let subset { configuration.trainLimit = subset }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let resize { configuration.imageFolder.resize = resize }
        if skipUnreadable { configuration.imageFolder.skipUnreadable = true }
        if let maximumPixels { configuration.imageFolder.maximumPixels = maximumPixels }
        if let maximumFiles { configuration.imageFolder.maximumFiles = maximumFiles }
        if let maximumDecodedBytes { configuration.imageFolder.maximumDecodedBytes = maximumDecodedBytes }
        return configuration
    }

    var cache: DatasetCache? { cacheOptions.cache }

    /// Loads the data set these options name.
    func load(threads: Int = CPUInfo.usableCores) throws -> Dataset {
        try load(configuration(), threads: threads)
    }

    /// Loads `configuration`'s data set with a progress bar while a folder decodes, and says on
    /// stderr which files were skipped or ignored.
    func load(_ configuration: DataConfiguration, threads: Int) throws -> Dataset {
        try loadReporting(configuration, threads: threads).dataset
    }

    /// `load`, also returning every file `--skip-unreadable` skipped (the note on stderr names
    /// only a few), for `info --json` and a run's summary.md.
    func loadReporting(_ configuration: DataConfiguration, threads: Int) throws -> (dataset: Dataset, skipped: [ImageFolderReport.SkippedFile]) {
        // In an MPI job, rank 0 alone draws the bar and says what was skipped.
        let bar = Ranks.isLeader ? ProgressBar(label: "decoding") : nil
        var progress: (@Sendable (Int, Int) -> Void)?
        if let bar { progress = { bar.update($0, of: $1) } }
        let (dataset, report) = try configuration.load(threads: threads, cache: cache, progress: progress)
        bar?.finish()
        if Ranks.isLeader { report?.notes.forEach(Terminal.note) }
        return (dataset, report?.skipped ?? [])
    }
}

/// `--data-dir`: where Fashion-MNIST is, for every command that can read it.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "Folder holding Fashion-MNIST's IDX files (default: $MLPLAB_DATA, else \(FashionMNIST.defaultDirectory)).",
        valueName: "folder"))
    var dataDirectory: String?
}

/// `--cache-dir` and `--no-cache`: where decoded image folders and measured compute timings are
/// kept, for every command that reads data or measures the plan.
struct CacheOptions: ParsableArguments {
    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("Where decoded image folders and the measured compute timings are cached (default: ~/.cache/mlplab).", valueName: "folder"))
    var cacheDirectory: String?

    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the cache: decode image folders every time, and train with the standard compute plan instead of the measured one.")
    var noCache = false

    func validate() throws {
        if noCache && cacheDirectory != nil {
            throw ValidationError("--no-cache reads and writes no cache, so --cache-dir would not be used; give one of them.")
        }
        if cacheDirectory?.isEmpty == true {
            throw ValidationError("--cache-dir is empty; name a folder, leave it out for ~/.cache/mlplab, or give --no-cache.")
        }
    }

    /// The cache these options name; nil with `--no-cache`.
    var cache: DatasetCache? {
        noCache ? nil : DatasetCache(directory: cacheDirectory ?? DatasetCache.defaultDirectory)
    }
}
