import Foundation

/// Decoded image folders kept on disk, so a second run on the same folder loads in well under a
/// second instead of decoding every image again.
///
/// A cache entry is keyed by a hash of the folder's real path, every file's relative path, size,
/// modification time, inode change time and inode number, the entries skipped as unreadable, and
/// the options that change the decoded bytes. Any change to the folder gives another key, so a
/// stale entry is never used: a file overwritten and re-dated with `touch -r` keeps its size and
/// modification time, but the system sets its change time anew (and a copy renamed into place
/// has a new inode). The device number is left out: it can change when a disk is mounted again,
/// which would only throw the cache away, and the real path already tells folders apart. Entries are written to a temporary
/// name and renamed, and checked (magic, sizes, key) when read: a damaged entry is ignored and
/// rebuilt, never trusted.
public struct DatasetCache: Sendable {
    /// The folder holding the entries, one `<key>.imagefolder` file each; created at the first write.
    public let directory: String

    /// `~/.cache/mlplab` (or `$XDG_CACHE_HOME/mlplab`). An empty or relative `HOME` or
    /// `XDG_CACHE_HOME` is not used (the cache would land in / or wherever the command runs):
    /// the system's temporary folder takes its place.
    public static var defaultDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/mlplab" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/mlplab" }
        return URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(".cache/mlplab").path
    }

    static let magic = Array("MLPLABDS".utf8)
    /// Raised whenever what a key covers or how images decode changes, so that entries an older
    /// MLPLab wrote are not served. 3: change times and inodes in the key, new decoders.
    static let version: UInt32 = 3

    /// A cache in `directory`, by default `defaultDirectory`; nothing is touched on disk until an
    /// entry is read or written.
    public init(directory: String = DatasetCache.defaultDirectory) {
        self.directory = directory
    }

    /// The cache key of a folder's state when `files` were scanned (and `skipped` left out).
    public func key(root: String, files: [ImageFolder.File], skipped: [ImageFolderReport.SkippedFile] = [],
                    options: ImageFolderOptions) -> String {
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        var hasher = StableHash()
        hasher.add("v\(DatasetCache.version)|\(realRoot)|\(options.resize?.description ?? "-")|\(options.skipUnreadable)|\(options.maximumPixels)\n")
        for file in files {
            hasher.add("\(file.relativePath)|\(file.label)|\(file.size)|\(file.modified)|\(file.changed)|\(file.inode)\n")
        }
        for entry in skipped { hasher.add("skipped|\(entry.path)|\(entry.reason)\n") }
        return hasher.hexDigest
    }

    func path(for key: String) -> String { "\(directory)/\(key).imagefolder" }

    struct Metadata: Codable {
        var key: String
        var classNames: [String]
        var width: Int
        var height: Int
        var count: Int
        var report: ImageFolderReport
    }

    /// The cached data set for `key`, or nil when there is none or it does not check out.
    /// Reads straight into the final arrays: no intermediate copy of the pixels.
    public func load(key: String, name: String) -> (Dataset, ImageFolderReport)? {
        let path = path(for: key)
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        let fileSize = Int(info.st_size)
        func read(_ count: Int) -> [UInt8]? {
            guard count >= 0 else { return nil }
            var bytes = [UInt8](repeating: 0, count: count)
            let got = bytes.withUnsafeMutableBytes { try? FileBytes.readFully(descriptor, into: $0.baseAddress, count: count, path: path) }
            return got == count ? bytes : nil
        }
        let headerSize = DatasetCache.magic.count + 4 + 8
        guard let header = read(headerSize), Array(header.prefix(DatasetCache.magic.count)) == DatasetCache.magic else { return nil }
        let version = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) }.littleEndian
        // Every stored number is checked as it is converted, so a damaged entry (any length, any
        // count) is ignored and rebuilt, never a trap.
        guard version == DatasetCache.version,
              let metadataLength = Int(exactly: header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: UInt64.self) }.littleEndian),
              metadataLength <= fileSize - headerSize,
              let json = read(metadataLength),
              let metadata = try? JSONCoding.decode(Metadata.self, from: Data(json)),
              metadata.key == key, metadata.count >= 0, metadata.width > 0, metadata.height > 0,
              let pixelCount = DatasetCache.product([metadata.count, metadata.width, metadata.height]),
              let expectedSize = DatasetCache.product([4, metadata.count]).flatMap({ DatasetCache.sum([headerSize, metadataLength, $0, pixelCount]) }),
              fileSize == expectedSize,
              let rawLabels = read(4 * metadata.count), let pixels = read(pixelCount) else { return nil }
        let labels = rawLabels.withUnsafeBytes { raw in
            (0..<metadata.count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
        guard labels.allSatisfy({ $0 >= 0 && Int($0) < metadata.classNames.count }) else { return nil }
        let dataset = Dataset(name: name, classNames: metadata.classNames, imageWidth: metadata.width, imageHeight: metadata.height,
                              pixels: pixels, labels: labels)
        return (dataset, metadata.report)
    }

    /// The product of `factors`, or nil when it overflows an Int.
    static func product(_ factors: [Int]) -> Int? {
        factors.reduce(Optional(1)) { partial, factor in
            partial.flatMap { let (value, overflow) = $0.multipliedReportingOverflow(by: factor); return overflow ? nil : value }
        }
    }

    /// The sum of `terms`, or nil when it overflows an Int.
    static func sum(_ terms: [Int]) -> Int? {
        terms.reduce(Optional(0)) { partial, term in
            partial.flatMap { let (value, overflow) = $0.addingReportingOverflow(term); return overflow ? nil : value }
        }
    }

    /// Stores `dataset` under `key`, atomically, streaming the pixels to disk. A cache that
    /// cannot be written (read-only, full disk) is not an error: the run goes on without it, and
    /// the reason is returned for a note (nil when stored).
    @discardableResult
    public func store(_ dataset: Dataset, report: ImageFolderReport, key: String) -> String? {
        let metadata = Metadata(key: key, classNames: dataset.classNames, width: dataset.imageWidth, height: dataset.imageHeight,
                                count: dataset.count, report: report)
        guard let json = try? JSONCoding.encode(metadata, pretty: false) else { return "its description could not be encoded" }
        var header = Data(DatasetCache.magic)
        withUnsafeBytes(of: DatasetCache.version.littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { header.append(contentsOf: $0) }
        header.append(json)
        var labels = Data(capacity: 4 * dataset.count)
        for label in dataset.labels { withUnsafeBytes(of: label.littleEndian) { labels.append(contentsOf: $0) } }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try AtomicFile.write(to: path(for: key)) { handle in
                try handle.write(contentsOf: header)
                try handle.write(contentsOf: labels)
                try dataset.pixels.withUnsafeBytes { try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0.baseAddress!), count: $0.count, deallocator: .none)) }
            }
        } catch let error as AtomicFileError {
            return error.description  // Caching is an optimization; the data set itself is fine.
        } catch {
            return "cannot create '\(directory)' (\(error.localizedDescription))"
        }
        return nil
    }
}
