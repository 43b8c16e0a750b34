import Foundation

/// Options for reading a folder of images.
public struct ImageFolderOptions: Codable, Equatable, Sendable {
    /// Bring every image to this size (width, height) instead of requiring one size; applies to
    /// Fashion-MNIST and IDX folders too (`DataConfiguration.load`).
    public var resize: ImageSize?
    /// Skip files that cannot be read or decoded (and report them) instead of stopping.
    public var skipUnreadable = false
    /// Refuse images whose header claims more pixels than this.
    public var maximumPixels = GrayImage.defaultMaximumPixels
    /// Refuse folders with more image files than this.
    public var maximumFiles = 5_000_000
    /// Refuse folders whose images would decode to more bytes than this (files × the first
    /// image's pixels, or × the `resize` size), checked before decoding.
    public var maximumDecodedBytes = 8_000_000_000

    /// The defaults: one image size required, no file skipped, at most 16.8 megapixels an image,
    /// 5 million files and 8 GB of decoded pixels.
    public init() {}

    private enum CodingKeys: String, CodingKey { case resize, skipUnreadable, maximumPixels, maximumFiles, maximumDecodedBytes }

    /// Decodes options; limits missing from files written before they existed take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ImageFolderOptions()
        resize = try container.decodeIfPresent(ImageSize.self, forKey: .resize)
        skipUnreadable = try container.decodeIfPresent(Bool.self, forKey: .skipUnreadable) ?? defaults.skipUnreadable
        maximumPixels = try container.decodeIfPresent(Int.self, forKey: .maximumPixels) ?? defaults.maximumPixels
        maximumFiles = try container.decodeIfPresent(Int.self, forKey: .maximumFiles) ?? defaults.maximumFiles
        maximumDecodedBytes = try container.decodeIfPresent(Int.self, forKey: .maximumDecodedBytes) ?? defaults.maximumDecodedBytes
    }
}

/// A width × height pair, written "60x80" on the command line.
public struct ImageSize: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A size; unlike `init?(_:)`, nothing checks its range.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses "60x80" or "60×80".
    public init?(_ text: String) {
        let parts = text.lowercased().replacingOccurrences(of: "×", with: "x").split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              width >= 1, height >= 1, width <= 65_536, height <= 65_536 else { return nil }
        self.init(width: width, height: height)
    }

    /// "60x80": width, then height, as the command line takes it.
    public var description: String { "\(width)x\(height)" }
}

/// What happened while reading a folder besides the images that made it in.
public struct ImageFolderReport: Codable, Equatable, Sendable {
    /// Files skipped with `skipUnreadable`: path (relative to the folder) and why.
    public var skipped: [SkippedFile] = []
    /// A report of nothing skipped, ignored or cached (what a folder read cleanly gives).
    public init() {}
    /// Files that are not images by their extension (ignored, as torchvision does).
    public var ignoredCount = 0
    /// Up to three of the ignored files, relative to the folder, for the message.
    public var ignoredExamples: [String] = []
    /// Whether the decoded images came from the cache.
    public var fromCache = false
    /// Why the decoded images could not be cached (a read-only or full disk), or nil. The run
    /// goes on without the cache; the next one decodes again.
    public var cacheProblem: String?

    /// A file left out by `skipUnreadable`.
    public struct SkippedFile: Codable, Equatable, Sendable {
        /// Path relative to the folder, e.g. "Tshirt/0042.jpg".
        public var path: String
        /// Why it could not be read or decoded.
        public var reason: String
    }

    /// What a person should know of this load, one line each: files skipped, the cache not
    /// written, files ignored by their extension. Empty when nothing happened worth saying.
    public var notes: [String] {
        var notes: [String] = []
        if !skipped.isEmpty {
            let examples = skipped.prefix(3).map { "\($0.path) (\($0.reason))" }.joined(separator: ", ")
            let more = skipped.count > 3 ? ", … (all \(skipped.count) with reasons: mlplab info output.json and a run's summary.md)" : ""
            notes.append("skipped \(skipped.count) unreadable file\(skipped.count == 1 ? "" : "s") (data.image_folder.skip_unreadable): \(examples)\(more)")
        }
        if let cacheProblem {
            notes.append("note: the decoded images were not cached (\(cacheProblem)); the next run decodes them again. cache.folder chooses another folder, cache.off skips caching.")
        }
        if ignoredCount > 0 {
            notes.append("ignored \(ignoredCount) file\(ignoredCount == 1 ? "" : "s") that are not images by their extension, e.g. \(ignoredExamples.joined(separator: ", "))")
        }
        return notes.map(OneLine.escaped)
    }
}

/// A folder with one sub-folder of images per class, as torchvision's `ImageFolder` reads it.
///
/// Classes are the sub-folders sorted by name (so class indices match a PyTorch model trained
/// on the same folder); hidden entries (leading ".") are skipped. Inside a class folder, files
/// are found recursively, in torchvision's order (folders by path, then file names sorted).
/// Images are decoded in parallel (`GrayImage.decode`) and converted to gray as Pillow does.
public enum ImageFolder {
    /// The extensions read as images (compared in lower case): torchvision's IMG_EXTENSIONS
    /// (.jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp), plus .tga and .gif, which torchvision
    /// leaves out; other files are ignored, as torchvision does.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "pgm", "ppm", "tga", "gif", "tif", "tiff", "webp"]

    /// Whether `name` ends in one of `imageExtensions`, in any case (plain Swift: bridging to
    /// NSString per file costs more than the rest of the scan).
    static func isImageFileName(_ name: String) -> Bool {
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) else { return false }
        let suffix = name.utf8[name.utf8.index(after: dot)...]
        guard suffix.count <= 4 else { return false }
        return imageExtensions.contains(String(decoding: suffix.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self))
    }

    /// An image file found in the folder.
    public struct File: Sendable, Equatable {
        /// Path relative to the folder, e.g. "Tshirt/0042.jpg".
        public var relativePath: String
        /// The class index: the position of the file's class folder among the sorted class folders.
        public var label: Int32
        /// Size, modification time, inode change time and inode number when scanned: what the
        /// cache key is made of.
        public var size: Int
        /// The modification time as "seconds.nanoseconds" since 1970; only compared, never parsed.
        public var modified: String
        /// The inode change time, likewise: set by the system on every write, rename or `touch`,
        /// and unlike the modification time no user tool can set it back, so a file replaced
        /// and re-dated (`touch -r`) still looks changed.
        public var changed: String = ""
        /// The inode number: a file replaced by another (a copy renamed into place) has a new one.
        public var inode: UInt64 = 0
    }

    /// Reads every image of `root` into a ``Dataset`` (bytes, one class per sub-folder).
    ///
    /// - Parameters:
    ///   - root: the folder holding one sub-folder of images per class.
    ///   - options: resize, skipping, and the limits on untrusted input.
    ///   - threads: decoders running at once.
    ///   - cache: where decoded folders are kept between runs (nil: always decode).
    ///   - progress: called with (images done, images in all) from the decoding threads.
    public static func load(
        _ root: String, options: ImageFolderOptions = ImageFolderOptions(), threads: Int,
        cache: DatasetCache? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> (dataset: Dataset, report: ImageFolderReport) {
        let listing = try scan(root, options: options)
        let (classNames, files) = (listing.classNames, listing.files)
        var report = ImageFolderReport()
        report.ignoredCount = listing.ignored.count
        report.ignoredExamples = Array(listing.ignored.prefix(3))

        let key = cache.map { $0.key(root: root, files: files, skipped: listing.skipped, options: options) }
        if let cache, let key, let (cached, cachedReport) = cache.load(key: key, name: root) {
            var fromCache = cachedReport
            fromCache.fromCache = true
            return (cached, fromCache)
        }

        try checkDecodedSize(root: root, files: files, options: options)
        let images = decodeAll(root: root, files: files, options: options, threads: threads, progress: progress)
        var failures: [(Int, DatasetError)] = []
        for (index, result) in images.enumerated() {
            if case let .failure(error) = result { failures.append((index, error)) }
        }
        if !failures.isEmpty && !options.skipUnreadable {
            let first = failures[0].1
            throw failures.count == 1 ? first : DatasetError.andMore(first, more: failures.count - 1)
        }
        report.skipped = (listing.skipped + failures.map { ImageFolderReport.SkippedFile(path: files[$0.0].relativePath, reason: $0.1.reason) })
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }

        // One size for all, or `resize`.
        var kept: [(file: File, image: GrayImage)] = []
        kept.reserveCapacity(files.count)
        for (file, result) in zip(files, consume images) {
            if case let .success(image) = result { kept.append((file, image)) }
        }
        for (label, name) in classNames.enumerated() where !kept.contains(where: { $0.file.label == Int32(label) }) {
            // Its files were found but skipped: say so, not that the folder has none.
            let skippedHere = report.skipped.filter { $0.path.hasPrefix(name + "/") }
            if let first = skippedHere.first {
                throw DatasetError.classAllSkipped(path: "\(root)/\(name)", count: skippedHere.count, example: first.path, reason: first.reason)
            }
            throw DatasetError.emptyClass(path: "\(root)/\(name)")
        }
        let size: ImageSize
        if let target = options.resize {
            size = target
        } else {
            var groups: [ImageSize: [String]] = [:]
            for (file, image) in kept { groups[ImageSize(width: image.width, height: image.height), default: []].append(file.relativePath) }
            let ordered = groups.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key.description < $1.key.description }
            size = ordered[0].key
            if groups.count > 1 {
                throw DatasetError.mixedSizes(
                    sizes: ordered.map { SizeGroup(size: $0.key.description.replacingOccurrences(of: "x", with: "×"), count: $0.value.count,
                                                   examples: Array($0.value.prefix(3))) },
                    mostCommon: size.description)
            }
        }
        let featureCount = size.width * size.height
        var pixels = [UInt8](repeating: 0, count: kept.count * featureCount)
        let labels = kept.map(\.file.label)
        try pixels.withUnsafeMutableBufferPointer { buffer in
            for index in kept.indices {
                // decodeAll refused every image that cannot be resized to `size`.
                let image = try kept[index].image.resized(width: size.width, height: size.height, path: root + "/" + kept[index].file.relativePath)
                image.pixels.withUnsafeBufferPointer { source in
                    (buffer.baseAddress! + index * featureCount).update(from: source.baseAddress!, count: featureCount)
                }
                kept[index].image.pixels = []  // release as we go: peak memory stays near one copy
            }
        }
        let dataset = Dataset(name: root, classNames: classNames, imageWidth: size.width, imageHeight: size.height,
                              pixels: pixels, labels: labels)
        if let cache, let key { report.cacheProblem = cache.store(dataset, report: report, key: key) }
        return (dataset, report)
    }

    /// Refuses a folder whose images would decode to more than `options.maximumDecodedBytes`,
    /// before anything is decoded: the size is `resize`'s, or the first readable image header's
    /// (all images must share it).
    static func checkDecodedSize(root: String, files: [File], options: ImageFolderOptions) throws {
        let size: ImageSize? = options.resize ?? files.lazy.prefix(16).compactMap { file in
            FileManager.default.contents(atPath: root + "/" + file.relativePath).flatMap { GrayImage.dimensions(of: [UInt8]($0)) }
        }.first
        guard let size else { return }  // no readable header: decoding will name the files
        if Double(files.count) * Double(size.width) * Double(size.height) > Double(options.maximumDecodedBytes) {
            throw DatasetError.folderTooLarge(path: root, images: files.count, width: size.width, height: size.height,
                                              limit: options.maximumDecodedBytes)
        }
    }

    /// Decodes `files` on `threads` threads; each result lands in its file's slot.
    static func decodeAll(root: String, files: [File], options: ImageFolderOptions, threads: Int,
                          progress: (@Sendable (Int, Int) -> Void)?) -> [Result<GrayImage, DatasetError>] {
        var results = [Result<GrayImage, DatasetError>](repeating: .failure(.notFound(path: "")), count: files.count)
        let counter = ProgressCounter(total: files.count, report: progress)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = UncheckedSendable(slots)
            let chunk = 64
            let chunks = (files.count + chunk - 1) / chunk
            let next = ProgressCounter(total: chunks, report: nil)
            // Workers take chunks of 64 files in turn, so a slow file does not hold up a thread's
            // whole share; every result is written to its own slot.
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, chunks))) { _ in
                while let c = next.take() {
                    for index in (c * chunk)..<min(files.count, (c + 1) * chunk) {
                        let path = root + "/" + files[index].relativePath
                        slots.value[index] = Result {
                            let image = try GrayImage.decode(try FileBytes.read(path), path: path, maximumPixels: options.maximumPixels)
                            let size = ImageSize(width: image.width, height: image.height)
                            if let target = options.resize, let problem = GrayImage.resizeProblem(from: size, to: target) {
                                throw DatasetError.cannotResize(path: path, from: size, to: target, reason: problem)
                            }
                            return image
                        }.mapError { error in
                            if let error = error as? DatasetError { return error }
                            if let error = error as? FileReadError {
                                return .unusableFile(path: error.path, reason: error.reason, fix: "Check that it is readable")
                            }
                            return .cannotDecode(path: path, reason: "\(error)")
                        }
                    }
                    counter.add(min(files.count, (c + 1) * chunk) - c * chunk)
                }
            }
        }
        return results
    }
}

/// A thread-safe counter that hands out work items and reports progress.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var handedOut = 0
    private let total: Int
    private let report: (@Sendable (Int, Int) -> Void)?

    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }

    /// The next work item, or nil when all are taken.
    func take() -> Int? {
        lock.withLock {
            guard handedOut < total else { return nil }
            handedOut += 1
            return handedOut - 1
        }
    }

    func add(_ count: Int) {
        let now = lock.withLock { done += count; return done }
        report?(now, total)
    }
}
