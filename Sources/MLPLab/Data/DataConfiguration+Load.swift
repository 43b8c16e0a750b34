import Foundation

extension DataConfiguration {
    /// Loads the data set `source` names: "fashion-mnist" (from `dataDirectory`, $MLPLAB_DATA or
    /// Debian's folder), a folder holding Fashion-MNIST's IDX files, or an image folder (one
    /// sub-folder per class), decoded on `threads` threads and kept in `cache` (nil: none).
    ///
    /// `imageFolder.resize` applies to every kind: IDX images are resized after loading with
    /// the resizer image folders use, so a `resize` of 14x14 on Fashion-MNIST trains on 14×14
    /// images (and the run's config.json, model file and summary say so) instead of being
    /// silently ignored.
    ///
    /// Returns the data set and, for an image folder, what was skipped, ignored or not cached
    /// (nil otherwise). `progress` is called with (files decoded, files) while a folder decodes.
    public func load(threads: Int = CPUInfo.usableCores,
                     cache: DatasetCache? = DatasetCache(),
                     progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (dataset: Dataset, report: ImageFolderReport?) {
        try validate()
        if source == FashionMNIST.name {
            return (try resized(FashionMNIST.load(directory: FashionMNIST.resolveDirectory(dataDirectory)), threads: threads), nil)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            if source.contains("/") || source.contains(".") { throw DatasetError.notFound(path: source) }
            throw DatasetError.unknownName(source, known: [FashionMNIST.name])
        }
        guard isDirectory.boolValue else {
            throw DatasetError.unreadable(path: source, reason: "it is a file; give a folder with one sub-folder of images per class")
        }
        if FashionMNIST.isPresent(in: source) {
            var dataset = try FashionMNIST.load(directory: source)
            dataset.name = source
            return (try resized(dataset, threads: threads), nil)
        }
        let (dataset, report) = try ImageFolder.load(source, options: imageFolder, threads: threads, cache: cache,
                                                     progress: progress)
        return (dataset, report)
    }

    /// `dataset` at `imageFolder.resize`'s size, or as it is without one; refused before
    /// allocating when the result would pass `maximumDecodedBytes` or the machine's memory,
    /// as an image folder is.
    private func resized(_ dataset: Dataset, threads: Int) throws -> Dataset {
        guard let size = imageFolder.resize else { return dataset }
        return try dataset.resized(to: size, threads: threads, maximumBytes: imageFolder.maximumDecodedBytes)
    }
}
