import Foundation

extension DataConfiguration {
    /// Loads the data set `source` names: "fashion-mnist" (from `dataDirectory`, $MLPLAB_DATA or
    /// Debian's folder), a folder holding Fashion-MNIST's IDX files, or an image folder (one
    /// sub-folder per class), decoded on `threads` threads and kept in `cache` (nil: none).
    ///
    /// Returns the data set and, for an image folder, what was skipped, ignored or not cached
    /// (nil otherwise). `progress` is called with (files decoded, files) while a folder decodes.
    public func load(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                     cache: DatasetCache? = DatasetCache(),
                     progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (dataset: Dataset, report: ImageFolderReport?) {
        try validate()
        if source == FashionMNIST.name {
            return (try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(dataDirectory)), nil)
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
            return (dataset, nil)
        }
        let (dataset, report) = try ImageFolder.load(source, options: imageFolder, threads: threads, cache: cache,
                                                     progress: progress)
        return (dataset, report)
    }
}
