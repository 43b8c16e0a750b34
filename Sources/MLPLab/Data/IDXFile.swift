import CZlib
import Foundation

/// An IDX file of unsigned bytes (the MNIST family's format), read with every length checked.
///
/// Format: magic (big-endian UInt32: 0x00 0x00 type=0x08 ndim), then `ndim` big-endian UInt32
/// dimensions, then exactly their product of bytes. Images are magic 2051 (3 dims), labels 2049
/// (1 dim). `.gz` and plain files are both read through zlib, which passes plain files through.
public struct IDXFile: Sendable {
    /// The sizes from the header, outermost first, e.g. [count, height, width] for images.
    public let dimensions: [Int]
    /// The payload, exactly the product of `dimensions` bytes, row-major.
    public let bytes: [UInt8]

    /// The largest payload accepted (1 GiB; Fashion-MNIST's largest file holds 47 MB): a header
    /// claiming more is rejected before reading.
    public static let maximumBytes = 1 << 30
    /// The payload is read in pieces of this size, so memory grows only with the data present.
    static let chunkBytes = 1 << 24

    /// Reads and checks `path`.
    ///
    /// - Throws: `DatasetError.unreadable` (missing, permissions, corrupt gzip),
    ///   `.badMagic`, `.badDimensions`, `.truncated` (fewer bytes than the header promises),
    ///   `.trailingData` (more).
    public init(path: String, expectedDimensionCount: Int? = nil) throws {
        guard let file = gzopen(path, "rb") else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or not a regular file" : "no such file"
            throw DatasetError.unreadable(path: path, reason: reason)
        }
        var closed = false
        defer { if !closed { gzclose_r(file) } }
        gzbuffer(file, 1 << 17)

        /// Reads up to `count` bytes; returns how many arrived (fewer only at the end of data).
        func read(into pointer: UnsafeMutableRawPointer, count: Int) throws -> Int {
            var done = 0
            while done < count {
                let chunk = UInt32(min(count - done, 1 << 30))
                let got = gzread(file, pointer + done, chunk)
                if got < 0 {
                    var code: Int32 = 0
                    let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
                    throw DatasetError.unreadable(path: path, reason: "corrupt compressed data (\(message))")
                }
                if got == 0 { break }
                done += Int(got)
            }
            return done
        }

        var header = [UInt8](repeating: 0, count: 4)
        let headerRead = try header.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: 4) }
        guard headerRead == 4 else { throw DatasetError.truncated(path: path, expected: 4, actual: headerRead) }
        let magic = UInt32(header[0]) << 24 | UInt32(header[1]) << 16 | UInt32(header[2]) << 8 | UInt32(header[3])
        let dimensionCount = Int(header[3])
        guard header[0] == 0, header[1] == 0, header[2] == 0x08, dimensionCount >= 1,
              expectedDimensionCount.map({ $0 == dimensionCount }) ?? true
        else { throw DatasetError.badMagic(path: path, magic: magic, expected: expectedDimensionCount.map { 0x800 + UInt32($0) }) }

        var rawDimensions = [UInt8](repeating: 0, count: 4 * dimensionCount)
        let dimensionsRead = try rawDimensions.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: 4 * dimensionCount) }
        guard dimensionsRead == 4 * dimensionCount else {
            throw DatasetError.truncated(path: path, expected: 4 * dimensionCount, actual: dimensionsRead)
        }
        var dimensions: [Int] = []
        var total = 1
        for d in 0..<dimensionCount {
            let b = rawDimensions[(4 * d)..<(4 * d + 4)].map(Int.init)
            let size = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
            dimensions.append(size)
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= IDXFile.maximumBytes else {
                throw DatasetError.badDimensions(path: path, reason: "\(dimensions.map(String.init).joined(separator: "×"))… is more than \(IDXFile.maximumBytes) bytes")
            }
            total = product
        }

        // Read in chunks as the data arrives instead of allocating what the header claims: a
        // 20-byte file claiming gigabytes (found by fuzz/FuzzIDX) costs only what it holds.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(total, IDXFile.chunkBytes))
        var chunk = [UInt8](repeating: 0, count: min(total, IDXFile.chunkBytes))
        while bytes.count < total {
            let wanted = min(chunk.count, total - bytes.count)
            let got = try chunk.withUnsafeMutableBytes { try read(into: $0.baseAddress!, count: wanted) }
            bytes.append(contentsOf: chunk[0..<got])
            if got < wanted { break }
        }
        let payloadRead = bytes.count
        guard payloadRead == total else { throw DatasetError.truncated(path: path, expected: total, actual: payloadRead) }
        var extra: UInt8 = 0
        guard try read(into: &extra, count: 1) == 0 else { throw DatasetError.trailingData(path: path, expected: total) }
        closed = true
        let status = gzclose_r(file)
        guard status == Z_OK else {
            // Z_BUF_ERROR: the gzip stream ended early although the payload was complete.
            throw DatasetError.unreadable(path: path, reason: "the compressed stream is cut short (zlib status \(status))")
        }
        self.dimensions = dimensions
        self.bytes = bytes
    }
}
