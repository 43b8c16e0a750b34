import Foundation
import MLPLab

/// Helpers shared by the tests: temporary folders, random buffers, reference math.
enum TestSupport {
    /// A fresh empty folder under the system's temporary directory.
    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mlplab-tests-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A buffer of `count` uniform values in [-scale, scale), from a seeded generator.
    static func randomBuffer(_ count: Int, seed: UInt64, scale: Float = 1) -> FloatBuffer {
        var generator = RandomGenerator(seed: seed, stream: .samples)
        let buffer = FloatBuffer(count: count)
        for i in 0..<count { buffer.base[i] = generator.nextFloat(in: -scale, scale) }
        return buffer
    }

    /// The largest absolute difference between two equally long sequences.
    static func maximumDifference<A: Collection, B: Collection>(_ a: A, _ b: B) -> Double
    where A.Element: BinaryFloatingPoint, B.Element: BinaryFloatingPoint {
        zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
    }

    static var fashionMNISTAvailable: Bool {
        FashionMNIST.isPresent(in: FashionMNIST.resolveDirectory(nil))
    }
}
