import Foundation
import MLPLab
import Testing

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
