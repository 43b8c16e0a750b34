import Foundation

/// A TensorBoard event file (`events.out.tfevents.<time>.<host>`): TFRecord framing around
/// ``TensorBoardEvent``s. Each record is
///
///     length        UInt64, little-endian
///     masked CRC-32C of the 8 length bytes    UInt32, little-endian
///     data          `length` bytes (one Event protobuf)
///     masked CRC-32C of the data              UInt32, little-endian
///
/// A writer appends one record per `append`, in one `write(2)`, so that TensorBoard, which reads
/// the file while it grows, sees a training as it runs. Opening with `keeping:` rewrites the
/// file atomically first (a resume drops what came after its checkpoint).
public final class TensorBoardEventFile {
    /// The file's path.
    public let path: String
    private let descriptor: Int32

    /// "events.out.tfevents.<seconds>.<host>", the name TensorBoard looks for, as
    /// `torch.utils.tensorboard` names it (without its process-id suffix).
    public static func fileName(time: Double, host: String = TensorBoardEventFile.hostName) -> String {
        "events.out.tfevents.\(Int(time)).\(host.isEmpty ? "localhost" : host)"
    }

    /// This machine's name (gethostname: no lookup on the network), "/" replaced so that it
    /// stays one path component.
    public static var hostName: String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .replacingOccurrences(of: "/", with: "_")
    }

    /// Whether `name` is an event file's name.
    public static func isEventFileName(_ name: String) -> Bool { name.hasPrefix("events.out.tfevents.") }

    /// Opens `path` for appending, after writing `events` as its whole content (atomically; a
    /// file version record first when `events` does not start with one). Throws
    /// `EventFileError.cannotWrite` naming the file.
    public init(path: String, keeping events: [TensorBoardEvent]) throws {
        self.path = path
        var bytes: [UInt8] = []
        if case .fileVersion = events.first?.content {} else {
            bytes += Self.record(TensorBoardEvent(wallTime: Date().timeIntervalSince1970, step: 0,
                                                  content: .fileVersion(TensorBoardEvent.fileVersion)).encoded)
        }
        for event in events { bytes += Self.record(event.encoded) }
        do { try AtomicFile.write(Data(bytes), to: path) } catch let error as AtomicFileError {
            throw EventFileError.cannotWrite(path: path, reason: error.reason)
        }
        descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw EventFileError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    deinit { close(descriptor) }

    /// Appends `event` as one record, in one write, so that a reader sees it at once.
    public func append(_ event: TensorBoardEvent) throws {
        let record = Self.record(event.encoded)
        let written = record.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == record.count else {
            throw EventFileError.cannotWrite(path: path, reason: written < 0 ? String(cString: strerror(errno)) : "the disk took only part of a record")
        }
    }

    /// Flushes what was appended to the disk (fsync).
    public func synchronize() { fsync(descriptor) }

    // MARK: Records

    /// `data` framed as one TFRecord.
    public static func record(_ data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 16)
        withUnsafeBytes(of: UInt64(data.count).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: CRC32C.masked(bytes).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += data
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The records framed in `bytes`, in order, up to the first one that is cut short or fails its
    /// checksum; `damage` says what and where (nil when the whole file read).
    public static func records(in bytes: [UInt8]) -> (records: [[UInt8]], damage: String?) {
        func little<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            (0..<MemoryLayout<T>.size).reduce(T(0)) { $0 | T(bytes[offset + $1]) << T(8 * $1) }
        }
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else { return (records, "the record at byte \(offset) is cut short in its header") }
            let length = little(offset, UInt64.self)
            guard little(offset + 8, UInt32.self) == CRC32C.masked(bytes[offset..<(offset + 8)]) else {
                return (records, "the record at byte \(offset) fails its length checksum")
            }
            guard bytes.count - offset >= 16, length <= UInt64(bytes.count - offset - 16) else {
                return (records, "the record at byte \(offset) is cut short (\(length) bytes announced)")
            }
            let data = Array(bytes[(offset + 12)..<(offset + 12 + Int(length))])
            guard little(offset + 12 + Int(length), UInt32.self) == CRC32C.masked(data) else {
                return (records, "the record at byte \(offset) fails its data checksum")
            }
            records.append(data)
            offset += 16 + Int(length)
        }
        return (records, nil)
    }

    /// The events of the file at `path`, up to the first damaged record (`damage` says which;
    /// a training killed mid-write can leave a cut-short last one). Throws
    /// `EventFileError.cannotRead` when the file cannot be read.
    public static func events(contentsOf path: String) throws -> (events: [TensorBoardEvent], damage: String?) {
        // FileBytes, not FileManager: it says why (a folder, a pipe, a dangling link) rather than
        // a stale errno, and never blocks on a pipe.
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch let error as FileReadError {
            throw EventFileError.cannotRead(path: path, reason: error.reason)
        }
        let (records, damage) = records(in: bytes)
        var events: [TensorBoardEvent] = []
        for (index, record) in records.enumerated() {
            do { events.append(try TensorBoardEvent(decoding: record)) } catch {
                return (events, "record \(index + 1) is not an event (\(error))")
            }
        }
        return (events, damage)
    }
}
