import Foundation
import MLPLab
import Testing

struct SafeTensorsTests {
    func reading(_ data: Data) -> CheckpointError? {
        do {
            _ = try SafeTensors(data: data, path: "m.safetensors")
            return nil
        } catch {
            return error as? CheckpointError
        }
    }

    @Test("a written file reads back with the same tensors and metadata, shapes of 1 included")
    func roundTrip() throws {
        let file = SafeTensors(metadata: ["classes": "[\"a\",\"b\"]", "x": "1"], tensors: [
            .init(name: "layer1.weight", shape: [2, 3], values: [1, -2, 3.5, 0, .pi, -0]),
            .init(name: "layer1.bias", shape: [1], values: [42]),
            .init(name: "empty", shape: [0, 4], values: []),
        ])
        let data = try file.encoded()
        let read = try SafeTensors(data: data, path: "m.safetensors")
        #expect(read.metadata == file.metadata)
        #expect(read["layer1.weight"] == file.tensors[0] && read["layer1.bias"] == file.tensors[1] && read["empty"] == file.tensors[2])
        // The header is padded to 8 bytes, so the data is aligned.
        let length = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(length % 8 == 0)
    }

    @Test("writing straight from memory, in pieces, gives the same bytes as encoding in memory")
    func streamedWriteEqualsEncoding() throws {
        let big = TestSupport.randomBuffer((1 << 22) + 5, seed: 3)  // more than one 16 MB piece
        let small: [Float] = [1, -2, 3.5]
        let directory = try TestSupport.temporaryDirectory()
        let path = directory.appendingPathComponent("s.safetensors").path
        try small.withUnsafeBufferPointer { small in
            try SafeTensors.write(metadata: ["k": "v"], tensors: [
                .init(name: "big", shape: [big.count], values: UnsafeBufferPointer(big.buffer)),
                .init(name: "small", shape: [3, 1], values: small),
            ], to: path)
        }
        let encoded = try SafeTensors(metadata: ["k": "v"], tensors: [
            .init(name: "big", shape: [big.count], values: big.array), .init(name: "small", shape: [3, 1], values: small),
        ]).encoded()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written == encoded)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["s.safetensors"], "no temporary file left")
    }

    @Test("each broken rule is a named error", arguments: [
        ("too short", SafeTensorsBytes.file(header: "", data: []).prefix(5)),
        ("header too large", SafeTensorsBytes.file(header: "{}", data: [], declaredLength: 200_000_000)),
        ("header out of file", SafeTensorsBytes.file(header: "{}", data: [], declaredLength: 64)),
        ("not UTF-8", SafeTensorsBytes.file(header: "", data: [], declaredLength: 4).prefix(8) + Data([0x7B, 0xFF, 0xFE, 0x7D])),
        ("not JSON", SafeTensorsBytes.file(header: "{nope", data: [])),
        ("not an object", SafeTensorsBytes.file(header: "[1]", data: [])),
        ("unknown dtype", SafeTensorsBytes.file(header: #"{"a":{"dtype":"Q9","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
        ("size mismatch", SafeTensorsBytes.file(header: #"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#, data: Array(repeating: 0, count: 12))),
        ("gap", SafeTensorsBytes.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, data: Array(repeating: 0, count: 12))),
        ("overlap", SafeTensorsBytes.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: Array(repeating: 0, count: 12))),
        ("not from 0", SafeTensorsBytes.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8))),
        ("extra bytes", SafeTensorsBytes.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: Array(repeating: 0, count: 5))),
        ("missing bytes", SafeTensorsBytes.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 6))),
        ("negative shape", SafeTensorsBytes.file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
        ("fractional offset", SafeTensorsBytes.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}"#, data: [0, 0, 0, 0])),
        ("metadata not strings", SafeTensorsBytes.file(header: #"{"__metadata__":{"k":1}}"#, data: [])),
    ] as [(String, Data)])
    func brokenRuleIsNamed(rule: String, data: Data) {
        let error = reading(data)
        let expected: (CheckpointError) -> Bool = switch rule {
        case "too short": { if case .tooShort = $0 { true } else { false } }
        case "header too large": { if case .headerTooLarge = $0 { true } else { false } }
        case "header out of file": { if case .headerOutOfFile = $0 { true } else { false } }
        case "not UTF-8": { if case .headerNotUTF8 = $0 { true } else { false } }
        case "not JSON", "not an object": { if case .headerNotJSON = $0 { true } else { false } }
        case "unknown dtype": { if case .unknownDType(_, "a", "Q9") = $0 { true } else { false } }
        case "size mismatch": { if case .sizeMismatch(_, "a", 16, 12) = $0 { true } else { false } }
        case "gap": { if case .offsetsNotContiguous(_, "b", 4, 8) = $0 { true } else { false } }
        case "overlap": { if case .offsetsNotContiguous(_, "b", 8, 4) = $0 { true } else { false } }
        case "not from 0": { if case .offsetsNotContiguous(_, "a", 0, 4) = $0 { true } else { false } }
        case "extra bytes", "missing bytes": { if case .fileLengthMismatch = $0 { true } else { false } }
        default: { if case .badEntry = $0 { true } else { false } }
        }
        #expect(error.map(expected) == true, "\(rule): got \(String(describing: error))")
        #expect(error.map { "\($0)".contains("m.safetensors") } == true)
    }

    @Test("a model file keeps weights, classes and preprocessing, under PyTorch's names")
    func modelFileRoundTrip() throws {
        let configuration = ModelConfiguration(inputSize: 12, hiddenSizes: [5, 4], classCount: 3, activation: .tanh)
        let model = MLP(configuration: configuration)
        model.initialize(seed: 3)
        let file = ModelFile(model: model, classNames: ["x", "y", "z"], imageWidth: 4, imageHeight: 3, inputScaling: .raw)
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("model.safetensors").path
        try file.write(to: path)
        let raw = try SafeTensors(contentsOf: path)
        #expect(raw.tensors.map(\.name).sorted() == ["layer1.bias", "layer1.weight", "layer2.bias", "layer2.weight", "layer3.bias", "layer3.weight"])
        #expect(raw["layer1.weight"]?.shape == [5, 12] && raw["layer3.bias"]?.shape == [3])
        let read = try ModelFile(contentsOf: path)
        #expect(read.parameters == model.pyTorchParameters)
        #expect(read.makeModel().parameters.array == model.parameters.array, "back in the training order, bit for bit")
        // The file holds W [out, in] as PyTorch does; the model stores S = Wᵀ [in, out].
        let weight = try #require(raw["layer1.weight"])
        for output in 0..<5 {
            for input in 0..<12 {
                #expect(weight.values[output * 12 + input] == model.parameters[input * 5 + output])
            }
        }
        #expect(read.configuration == configuration && read.classNames == ["x", "y", "z"])
        #expect(read.imageWidth == 4 && read.imageHeight == 3 && read.inputScaling == .raw)
    }

    @Test("a model file without its metadata or with a wrong shape is refused by name")
    func modelFileChecksShapes() throws {
        let plain = SafeTensors(metadata: [:], tensors: [.init(name: "layer1.weight", shape: [1, 1], values: [0])])
        #expect(throws: CheckpointError.badMetadata(path: "p", key: "classes", reason: "is missing")) { try ModelFile(plain, path: "p") }
        let configuration = ModelConfiguration(inputSize: 4, hiddenSizes: [2], classCount: 2)
        let model = MLP(configuration: configuration)
        var file = ModelFile(model: model, classNames: ["a", "b"], imageWidth: 2, imageHeight: 2, inputScaling: .unitRange).safeTensors
        file.tensors[0] = .init(name: "layer1.weight", shape: [4, 2], values: Array(repeating: 0, count: 8))
        #expect(throws: CheckpointError.wrongShape(path: "p", name: "layer1.weight", expected: [2, 4], actual: [4, 2])) { try ModelFile(file, path: "p") }
    }
}

/// `SafeTensors.write` hands the file pieces of at most `pieceFloats` floats, and a tensor stored
/// transposed goes through one scratch, a piece of rows at a time. Issue 23: the scratch was sized
/// for the first transposed tensor and overflowed on a later one with more floats per piece, so the
/// assignment's network (873 rows of 4,800, then 1,165 rows of 3,600) crashed while writing its
/// model file. These tests write shapes on every side of a piece's edge, several tensors a file so
/// that each one follows another of a different width, and read every file back. `make test-asan`
/// runs them under AddressSanitizer, where writing one float past the scratch stops the test.
struct SafeTensorsPieceTests {
    /// A tensor to write: its shape as a file holds it, and whether memory holds its transpose.
    struct Shape: CustomStringConvertible, Sendable {
        var rows: Int
        var columns: Int
        var storedTransposed: Bool
        var description: String { "\(rows)×\(columns)\(storedTransposed ? "ᵀ" : "")" }
    }

    /// Writes `shapes` (random values, one file) in pieces of `pieceFloats`, reads the file back,
    /// and checks every tensor against the transpose (or copy) of its memory.
    func writeAndReadBack(_ shapes: [Shape], pieceFloats: Int, seed: UInt64) throws {
        let buffers = shapes.enumerated().map { TestSupport.randomBuffer($1.rows * $1.columns, seed: seed &+ UInt64($0)) }
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("p.safetensors").path
        let views = zip(shapes, buffers).enumerated().map { index, pair in
            SafeTensors.TensorView(name: "t\(index)", shape: [pair.0.rows, pair.0.columns],
                                   values: UnsafeBufferPointer(pair.1.buffer), storedTransposed: pair.0.storedTransposed)
        }
        try SafeTensors.write(metadata: ["seed": "\(seed)"], tensors: views, to: path, pieceFloats: pieceFloats)
        let file = try SafeTensors(contentsOf: path)
        #expect(file.metadata == ["seed": "\(seed)"])
        for (index, (shape, stored)) in zip(shapes, buffers).enumerated() {
            let tensor = try #require(file["t\(index)"], "t\(index) \(shape) is missing")
            #expect(tensor.shape == [shape.rows, shape.columns])
            let expected: [Float]
            if shape.storedTransposed {
                // Memory holds [columns, rows]; the file holds [rows, columns].
                expected = (0..<(shape.rows * shape.columns)).map { stored[($0 % shape.columns) * shape.rows + $0 / shape.columns] }
            } else {
                expected = stored.array
            }
            #expect(tensor.values == expected, "t\(index) \(shape) of \(shapes) in pieces of \(pieceFloats) floats")
        }
    }

    @Test("the assignment's layers and the adversarial pass's widths write and read back at the real 16 MB piece")
    func realPieceShapes() throws {
        let piece = SafeTensors.defaultPieceFloats
        let cases: [[Shape]] = [
            // The assignment's network in the order a model file writes it: 873 rows of 4,800 a
            // piece, then 1,165 rows of 3,600 (the overflow), 1,747 of 2,400, 3,495 of 1,200.
            [.init(rows: 3600, columns: 4800, storedTransposed: true), .init(rows: 2400, columns: 3600, storedTransposed: true),
             .init(rows: 1200, columns: 2400, storedTransposed: true), .init(rows: 52, columns: 1200, storedTransposed: true)],
            // --hidden 1024,4096 on Fashion-MNIST and 2049,2048: a narrow tensor after a wide one.
            [.init(rows: 1024, columns: 784, storedTransposed: true), .init(rows: 4096, columns: 1024, storedTransposed: true),
             .init(rows: 10, columns: 4096, storedTransposed: true)],
            [.init(rows: 2049, columns: 784, storedTransposed: true), .init(rows: 2048, columns: 2049, storedTransposed: true),
             .init(rows: 10, columns: 2048, storedTransposed: true)],
            // One row larger than a piece, then rows just under and just over one piece.
            [.init(rows: 2, columns: piece + 1, storedTransposed: true), .init(rows: 2, columns: piece - 1, storedTransposed: true),
             .init(rows: 4097, columns: 1024, storedTransposed: true)],
            // 1×N and N×1 across a piece, transposed and not.
            [.init(rows: 1, columns: piece + 3, storedTransposed: true), .init(rows: piece + 3, columns: 1, storedTransposed: true),
             .init(rows: 1, columns: piece + 3, storedTransposed: false), .init(rows: piece + 3, columns: 1, storedTransposed: false)],
        ]
        for (index, shapes) in cases.enumerated() {
            try writeAndReadBack(shapes, pieceFloats: piece, seed: UInt64(index * 10))
        }
    }

    @Test("random shapes crossing a small piece in both directions read back equal", arguments: [1, 7, 64, 1000])
    func randomShapes(pieceFloats: Int) throws {
        var generator = RandomGenerator(seed: UInt64(pieceFloats), stream: .samples)
        // Widths around the piece and its divisors, so rows per piece change from one tensor to the next.
        let around = [1, 2, pieceFloats - 1, pieceFloats, pieceFloats + 1, pieceFloats / 2 + 1, 2 * pieceFloats + 1].filter { $0 >= 1 }
        func dimension() -> Int {
            generator.nextIndex(below: 2) == 0 ? around[generator.nextIndex(below: around.count)] : 1 + generator.nextIndex(below: 90)
        }
        for file in 0..<40 {
            let shapes = (0..<(1 + generator.nextIndex(below: 4))).map { _ in
                Shape(rows: dimension(), columns: dimension(), storedTransposed: generator.nextIndex(below: 3) != 0)
            }
            try writeAndReadBack(shapes, pieceFloats: pieceFloats, seed: UInt64(file))
        }
    }

    @Test("empty tensors, transposed or not, between others write and read back")
    func emptyTensors() throws {
        try writeAndReadBack([.init(rows: 0, columns: 5, storedTransposed: true), .init(rows: 3, columns: 9, storedTransposed: true),
                              .init(rows: 4, columns: 0, storedTransposed: true), .init(rows: 0, columns: 0, storedTransposed: false)],
                             pieceFloats: 4, seed: 1)
    }
}
