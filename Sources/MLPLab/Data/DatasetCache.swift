import Foundation

/// Decoded image folders kept on disk, so a second run on the same folder loads in well under a
/// second instead of decoding every image again.
///
/// A cache entry is keyed by a hash of the folder's real path, every file's relative path, size
/// and modification time, and the options that change the decoded bytes. Any change to the
/// folder gives another key, so a stale entry is never used. Entries are written to a temporary
/// name and renamed, and checked (magic, sizes, key) when read: a damaged entry is ignored and
/// rebuilt, never trusted.
public struct DatasetCache: Sendable {
    public let directory: String

    /// `~/.cache/mlplab` (or `$XDG_CACHE_HOME/mlplab`).
    public static var defaultDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/mlplab" }
        return (environment["HOME"] ?? NSTemporaryDirectory()) + "/.cache/mlplab"
    }

    static let magic = Array("MLPLABDS".utf8)
    static let version: UInt32 = 1

    public init(directory: String = DatasetCache.defaultDirectory) {
        self.directory = directory
    }

    /// The cache key of a folder's current state.
    public func key(root: String, files: [String], options: ImageFolderOptions) throws -> String {
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        var hasher = FNV1a()
        hasher.add("v\(DatasetCache.version)|\(realRoot)|\(options.resize?.description ?? "-")|\(options.skipUnreadable)|\(options.maximumPixels)\n")
        for file in files {
            var info = stat()
            let path = root + "/" + file
            guard stat(path, &info) == 0 else {
                throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            hasher.add("\(file)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)\n")
        }
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
    public func load(key: String, name: String) -> (Dataset, ImageFolderReport)? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path(for: key)), options: .alwaysMapped) else { return nil }
        let header = DatasetCache.magic.count + 4 + 8
        guard data.count >= header, Array(data.prefix(DatasetCache.magic.count)) == DatasetCache.magic else { return nil }
        let version = data.subdata(in: 8..<12).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian
        let metadataLength = Int(data.subdata(in: 12..<20).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)
        guard version == DatasetCache.version, metadataLength >= 0, metadataLength <= data.count - header,
              let metadata = try? JSONDecoder().decode(Metadata.self, from: data.subdata(in: header..<(header + metadataLength))),
              metadata.key == key, metadata.count >= 0, metadata.width > 0, metadata.height > 0
        else { return nil }
        let labelsStart = header + metadataLength
        let pixelsStart = labelsStart + 4 * metadata.count
        let pixelCount = metadata.count * metadata.width * metadata.height
        guard data.count == pixelsStart + pixelCount else { return nil }
        let labels = data.subdata(in: labelsStart..<pixelsStart).withUnsafeBytes { raw in
            (0..<metadata.count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
        guard labels.allSatisfy({ $0 >= 0 && Int($0) < metadata.classNames.count }) else { return nil }
        let pixels = [UInt8](data.subdata(in: pixelsStart..<data.count))
        let dataset = Dataset(name: name, classNames: metadata.classNames, imageWidth: metadata.width, imageHeight: metadata.height,
                              pixels: pixels, labels: labels)
        return (dataset, metadata.report)
    }

    /// Stores `dataset` under `key`, atomically. A cache that cannot be written (read-only, full
    /// disk) is not an error: the run goes on without it.
    public func store(_ dataset: Dataset, report: ImageFolderReport, key: String) {
        let metadata = Metadata(key: key, classNames: dataset.classNames, width: dataset.imageWidth, height: dataset.imageHeight,
                                count: dataset.count, report: report)
        guard let json = try? JSONEncoder().encode(metadata) else { return }
        var data = Data(DatasetCache.magic)
        withUnsafeBytes(of: DatasetCache.version.littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for label in dataset.labels { withUnsafeBytes(of: label.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: dataset.pixels)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path(for: key)), options: .atomic)
        } catch {
            // Caching is an optimization; the data set itself is fine.
        }
    }
}

/// 64-bit FNV-1a, twice with different offsets for a 128-bit key: stable across runs and
/// machines (Swift's `Hasher` is seeded per process).
struct FNV1a {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = b ^ (b >> 29)
        }
    }

    var hexDigest: String {
        String(a, radix: 16).leftPadded(16) + String(b, radix: 16).leftPadded(16)
    }
}

extension String {
    fileprivate func leftPadded(_ length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
