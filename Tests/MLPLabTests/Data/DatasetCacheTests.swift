import Foundation
import MLPLab
import Testing

/// A damaged cache entry is ignored (and rebuilt by the caller), whatever its numbers say: the
/// issue-23 audit found that a metadata length with its top bit set, or counts whose product
/// overflows, trapped in `DatasetCache.load` instead.
struct DatasetCacheTests {
    static let dataset = Dataset(name: "two", classNames: ["a", "b"], imageWidth: 2, imageHeight: 2,
                                 pixels: [1, 2, 3, 4, 5, 6, 7, 8], labels: [0, 1])

    /// The entry's bytes with its metadata JSON edited by `edit` (the length field follows).
    static func edited(_ bytes: Data, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        let length = Int(bytes[12..<20].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)
        var metadata = try #require(try JSONSerialization.jsonObject(with: bytes[20..<(20 + length)]) as? [String: Any])
        edit(&metadata)
        let json = try JSONSerialization.data(withJSONObject: metadata)
        var result = Data(bytes[0..<12])
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { result.append(contentsOf: $0) }
        return result + json + bytes[(20 + length)...]
    }

    @Test("entries with impossible numbers load as nil, and a good entry still loads", arguments: [
        "metadata length 2^63", "metadata length 2^64-1", "count 2^62", "width × height overflows", "count × 4 overflows", "count -1",
    ])
    func damagedEntryIsIgnored(damage: String) throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = DatasetCache(directory: directory.path)
        #expect(cache.store(Self.dataset, report: ImageFolderReport(), key: "k") == nil)
        let url = directory.appendingPathComponent("k.imagefolder")
        let good = try Data(contentsOf: url)
        #expect(cache.load(key: "k", name: "two").map { $0.0.pixels == Self.dataset.pixels && $0.0.labels == Self.dataset.labels } == true)
        var bytes = good
        switch damage {
        case "metadata length 2^63": bytes.replaceSubrange(12..<20, with: [0, 0, 0, 0, 0, 0, 0, 0x80])
        case "metadata length 2^64-1": bytes.replaceSubrange(12..<20, with: [UInt8](repeating: 0xFF, count: 8))
        case "count 2^62": bytes = try Self.edited(good) { $0["count"] = 1 << 62 }
        case "width × height overflows": bytes = try Self.edited(good) { $0["width"] = 1 << 40; $0["height"] = 1 << 40 }
        case "count × 4 overflows": bytes = try Self.edited(good) { $0["count"] = Int.max / 2; $0["width"] = 1; $0["height"] = 1 }
        default: bytes = try Self.edited(good) { $0["count"] = -1 }
        }
        try bytes.write(to: url)
        #expect(cache.load(key: "k", name: "two") == nil, "\(damage) was loaded")
    }
}
