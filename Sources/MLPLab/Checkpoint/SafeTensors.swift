import Foundation

/// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of JSON describing every tensor ({"dtype", "shape",
/// "data_offsets": [begin, end]} relative to the data) plus an optional "__metadata__" map of
/// strings, then the tensors' bytes. MLPLab reads and writes F32 only.
public struct SafeTensors {
    /// A tensor held in memory: its name, shape and float32 values.
    public struct Tensor: Equatable {
        /// Its key in the header, e.g. "layer1.weight".
        public var name: String
        /// Dimensions, outermost first, e.g. [outputSize, inputSize] for a weight.
        public var shape: [Int]
        /// The elements in row-major order, as many as the product of `shape`.
        public var values: [Float]

        /// A tensor; `values.count` must equal the product of `shape` (a precondition).
        public init(name: String, shape: [Int], values: [Float]) {
            precondition(shape.reduce(1, *) == values.count, "SafeTensors.Tensor: shape and values disagree")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The header's "__metadata__" map, empty when there is none; MLPLab keeps its format,
    /// configuration and training state there, as strings.
    public var metadata: [String: String]
    /// In file order.
    public var tensors: [Tensor]

    /// A safetensors file's contents; `tensors` keep this order when written.
    public init(metadata: [String: String], tensors: [Tensor]) {
        self.metadata = metadata
        self.tensors = tensors
    }

    /// The first tensor named `name`, or nil; a linear search (a model has two tensors a layer).
    public subscript(name: String) -> Tensor? { tensors.first { $0.name == name } }

    /// The largest header accepted, as in the reference implementation.
    public static let maximumHeaderLength: UInt64 = 100_000_000

    // MARK: writing

    /// A tensor to write straight from memory someone else owns (a parameter buffer): no copy.
    public struct TensorView {
        /// Its key in the header, e.g. "momentum.layer1.weight".
        public var name: String
        /// Dimensions, outermost first, e.g. [outputSize, inputSize] for a weight.
        public var shape: [Int]
        /// The elements in row-major order, in memory the caller owns and keeps alive until written.
        public var values: UnsafeBufferPointer<Float>
        /// Whether `values` hold the 2-D tensor transposed (shape [a, b] stored as [b, a]
        /// row-major: a training-order weight): the writer then transposes it as it goes.
        public var storedTransposed: Bool

        /// A view; `values.count` must equal the product of `shape` (a precondition), and a
        /// `storedTransposed` one must be 2-D.
        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>, storedTransposed: Bool = false) {
            precondition(shape.reduce(1, *) == values.count, "SafeTensors.TensorView: shape and values disagree")
            precondition(!storedTransposed || shape.count == 2, "SafeTensors.TensorView: only a matrix is stored transposed")
            self.name = name
            self.shape = shape
            self.values = values
            self.storedTransposed = storedTransposed
        }
    }

    /// The 8-byte length and the JSON header, padded with spaces to a multiple of 8 (so the data
    /// is aligned), for tensors of these names, shapes and float counts, back to back in order.
    static func header(metadata: [String: String], tensors: [(name: String, shape: [Int], count: Int)]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for tensor in tensors {
            let bytes = tensor.count * 4
            header[tensor.name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data(capacity: 8 + json.count)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        return data
    }

    /// The file's bytes, built in memory (small files and tests; large ones use `write`).
    public func encoded() throws -> Data {
        var data = try SafeTensors.header(metadata: metadata, tensors: tensors.map { ($0.name, $0.shape, $0.values.count) })
        for tensor in tensors {
            // Little-endian on every platform Swift on Linux runs on; checked at compile time below.
            tensor.values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Floats in one piece that `write` hands to the file by default (16 MB).
    public static let defaultPieceFloats = 1 << 22

    /// Writes a safetensors file atomically (see ``AtomicFile``) straight from `tensors`' memory,
    /// in pieces of at most `pieceFloats` floats (16 MB by default; tests use small pieces to
    /// cross their edges often), so writing a 115 MB model holds no copy of it. A tensor stored transposed goes through one scratch, a piece of whole rows at a
    /// time; the scratch holds a piece or one row, whichever is larger, of the widest such tensor,
    /// and each tensor's rows per piece are computed from that capacity, so no shape can write
    /// past it (issue 23: a scratch sized for the first tensor overflowed on the second).
    public static func write(metadata: [String: String], tensors: [TensorView], to path: String,
                             pieceFloats: Int = SafeTensors.defaultPieceFloats) throws {
        precondition(pieceFloats > 0, "SafeTensors.write: pieceFloats must be positive")
        let header = try SafeTensors.header(metadata: metadata, tensors: tensors.map { ($0.name, $0.shape, $0.values.count) })
        let widestRow = tensors.filter(\.storedTransposed).map { $0.shape[1] }.max() ?? 0
        let capacity = widestRow == 0 ? 0 : max(pieceFloats, widestRow)
        try AtomicFile.write(to: path) { handle in
            try handle.write(contentsOf: header)
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(capacity, 1))
            defer { scratch.deallocate() }
            for tensor in tensors {
                guard let base = tensor.values.baseAddress, !tensor.values.isEmpty else { continue }
                if tensor.storedTransposed {
                    // Rows of the tensor are columns of what is stored ([shape[1], shape[0]]).
                    let rows = tensor.shape[0], columns = tensor.shape[1]
                    let stored = Matrix(UnsafeMutablePointer(mutating: base), rows: columns, columns: rows)
                    let rowsPerPiece = max(1, capacity / columns)  // columns ≥ 1: the tensor is not empty
                    var row = 0
                    while row < rows {
                        let end = min(rows, row + rowsPerPiece)
                        precondition((end - row) * columns <= capacity, "SafeTensors.write: a piece larger than its scratch")
                        stored.transposed(columns: row..<end, into: scratch)
                        try handle.write(contentsOf: Data(bytesNoCopy: scratch, count: (end - row) * columns * 4, deallocator: .none))
                        row = end
                    }
                    continue
                }
                var start = 0
                while start < tensor.values.count {
                    let count = min(pieceFloats, tensor.values.count - start)
                    let bytes = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + start), count: count * 4, deallocator: .none)
                    try handle.write(contentsOf: bytes)
                    start += count
                }
            }
        }
    }

    // MARK: reading

    /// Parses and checks `data` (the bytes of the file at `path`, named in errors).
    ///
    /// Rules, each a named ``CheckpointError``: at least 8 bytes; header ≤ 100 MB and inside the
    /// file; UTF-8 JSON object; every entry has a known dtype, integer shape and two offsets;
    /// shape × 4 bytes = its byte range; ranges, sorted, start at 0 and follow each other with no
    /// gap or overlap; the file ends exactly where the last range does; the tensors, which are
    /// copied into memory, fit in `availableMemory` bytes (a sparse file can claim terabytes).
    public init(data: Data, path: String, availableMemory: Double = SafeTensors.physicalMemory) throws {
        guard data.count >= 8 else { throw CheckpointError.tooShort(path: path, size: data.count) }
        let length = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        guard length <= SafeTensors.maximumHeaderLength else { throw CheckpointError.headerTooLarge(path: path, length: length) }
        guard Int(length) <= data.count - 8 else {
            throw CheckpointError.headerOutOfFile(path: path, length: length, fileSize: data.count)
        }
        let headerBytes = data.subdata(in: 8..<(8 + Int(length)))
        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw CheckpointError.headerNotUTF8(path: path) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: headerBytes) } catch {
            throw CheckpointError.headerNotJSON(path: path, reason: "invalid JSON")
        }
        guard let header = object as? [String: Any] else { throw CheckpointError.headerNotJSON(path: path, reason: "not an object") }

        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let map = raw as? [String: Any] else { throw CheckpointError.badEntry(path: path, name: "__metadata__", reason: "not an object") }
            for (key, value) in map {
                guard let text = value as? String else {
                    throw CheckpointError.badEntry(path: path, name: "__metadata__", reason: "value of '\(key)' is not a string")
                }
                metadata[key] = text
            }
        }
        struct Entry { var name: String; var shape: [Int]; var begin: Int; var end: Int }
        var entries: [Entry] = []
        for (name, raw) in header where name != "__metadata__" {
            guard let entry = raw as? [String: Any] else { throw CheckpointError.badEntry(path: path, name: name, reason: "not an object") }
            guard let dtype = entry["dtype"] as? String else { throw CheckpointError.badEntry(path: path, name: name, reason: "no dtype") }
            guard let shapeValues = entry["shape"] as? [Any], let offsetValues = entry["data_offsets"] as? [Any] else {
                throw CheckpointError.badEntry(path: path, name: name, reason: "no shape or data_offsets")
            }
            let shape = try shapeValues.map { value -> Int in
                guard let number = SafeTensors.wholeNumber(value) else {
                    throw CheckpointError.badEntry(path: path, name: name, reason: "shape must be non-negative integers")
                }
                return number
            }
            let offsets = try offsetValues.map { value -> Int in
                guard let number = SafeTensors.wholeNumber(value) else {
                    throw CheckpointError.badEntry(path: path, name: name, reason: "data_offsets must be non-negative integers")
                }
                return number
            }
            guard offsets.count == 2, offsets[0] <= offsets[1] else {
                throw CheckpointError.badEntry(path: path, name: name, reason: "data_offsets must be [begin, end] with begin ≤ end")
            }
            guard dtype == "F32" else { throw CheckpointError.unknownDType(path: path, name: name, dtype: dtype) }
            var elements = 1
            for dimension in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw CheckpointError.badEntry(path: path, name: name, reason: "shape overflows") }
                elements = product
            }
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: 4)
            guard !overflow, bytes == offsets[1] - offsets[0] else {
                throw CheckpointError.sizeMismatch(path: path, name: name, expected: overflow ? Int.max : bytes, actual: offsets[1] - offsets[0])
            }
            entries.append(Entry(name: name, shape: shape, begin: offsets[0], end: offsets[1]))
        }
        entries.sort { $0.begin != $1.begin ? $0.begin < $1.begin : $0.end < $1.end }
        var expected = 0
        for entry in entries {
            guard entry.begin == expected else {
                throw CheckpointError.offsetsNotContiguous(path: path, name: entry.name, expectedStart: expected, actualStart: entry.begin)
            }
            expected = entry.end
        }
        let dataStart = 8 + Int(length)
        guard data.count == dataStart + expected else {
            throw CheckpointError.fileLengthMismatch(path: path, expected: dataStart + expected, actual: data.count)
        }
        guard Double(expected) <= availableMemory else {
            throw CheckpointError.tooLargeForMemory(path: path, neededBytes: Double(expected), availableBytes: availableMemory,
                                                    purpose: "to hold its tensors")
        }
        self.metadata = metadata
        tensors = entries.map { entry in
            let count = (entry.end - entry.begin) / 4
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                data.withUnsafeBytes { raw in
                    if count > 0 {
                        UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: raw.baseAddress! + dataStart + entry.begin, byteCount: count * 4)
                    }
                }
                initialized = count
            }
            return Tensor(name: entry.name, shape: entry.shape, values: values)
        }
    }

    /// A JSON number that is a whole, non-negative integer below 2⁵³ (not a Bool, not 1.5).
    static func wholeNumber(_ value: Any) -> Int? {
        // `is Bool` is true for any NSNumber 0 or 1 on Linux; the stored type tells booleans apart.
        guard let number = value as? NSNumber, !["c", "B"].contains(String(cString: number.objCType)) else { return nil }
        let double = number.doubleValue
        guard double >= 0, double < 9_007_199_254_740_992, double.rounded() == double else { return nil }
        return Int(double)
    }

    /// The machine's physical memory in bytes: what a file's tensors may take by default.
    public static var physicalMemory: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Reads and checks the file at `path`; its tensors must fit in `availableMemory` bytes.
    public init(contentsOf path: String, availableMemory: Double = SafeTensors.physicalMemory) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw CheckpointError.unreadable(path: path, reason: exists ? "permission denied or not a file" : "no such file")
        }
        try self.init(data: data, path: path, availableMemory: availableMemory)
    }
}

#if _endian(big)
#error("MLPLab writes tensors in memory order and assumes a little-endian CPU, as safetensors stores them.")
#endif
