import Foundation
import MLPLab

/// Builds small image folders on disk for the loader tests.
struct FolderBuilder {
    let root: URL

    init(_ name: String = #function) throws {
        root = try TestSupport.temporaryDirectory(name)
    }

    var path: String { root.path }

    /// A gray `width × height` PNG (or JPEG) whose pixels depend on `seed`.
    static func image(width: Int = 6, height: Int = 4, seed: Int = 0, jpeg: Bool = false) -> Data {
        var pixels = (0..<(width * height)).map { UInt8(truncatingIfNeeded: $0 * 37 + seed * 11) }
        if jpeg {
            // Noise, so the JPEG's scan data is most of the file.
            var generator = RandomGenerator(seed: UInt64(seed), stream: .samples)
            pixels = pixels.map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        }
        let image = GrayImage(width: width, height: height, pixels: pixels)
        return jpeg ? image.jpegData() : image.pngData()
    }

    @discardableResult
    func write(_ relativePath: String, _ data: Data) throws -> String {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    /// Three classes of two good images each.
    static func good(_ name: String = #function) throws -> FolderBuilder {
        let folder = try FolderBuilder(name)
        for (c, name) in ["cat", "ant", "bee"].enumerated() {
            for i in 0..<2 { try folder.write("\(name)/\(i).png", image(seed: c * 2 + i)) }
        }
        return folder
    }

    /// Two classes, "boots" and "shirts", of `perClass` 6×5 PNGs each (three distinct images per
    /// class, repeated): enough for the CLI to split, train and evaluate in a second.
    static func twoClasses(perClass: Int, _ name: String = #function) throws -> FolderBuilder {
        let folder = try FolderBuilder(name)
        for (c, className) in ["boots", "shirts"].enumerated() {
            for i in 0..<perClass {
                try folder.write("\(className)/\(i).png", image(width: 6, height: 5, seed: c * 100 + i % 3))
            }
        }
        return folder
    }
}
