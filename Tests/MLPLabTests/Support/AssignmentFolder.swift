import CStb
import Foundation
import MLPLab

/// An image folder shaped like the assignment's data: 60×80 colour images (width × height), 52
/// unbalanced classes (16 images in the largest down to 3 in the smallest, 312 in all), every
/// other image a JPEG and the rest PNGs, so the model is the assignment's own
/// 4800-3600-2400-1200-52. Each class has its own colour and stripe, plus noise, so a training
/// learns something; the images decode to gray through the same path as a user's photos.
enum AssignmentFolder {
    static let width = 60, height = 80, classCount = 52

    /// Images in class `c` (0-based): 16 × 0.95^c, at least 3, so the classes are unbalanced as
    /// the assignment's are (≈3,500 down to ≈100) and each can still give the splits an image.
    static func size(ofClass c: Int) -> Int { max(3, Int((16 * pow(0.95, Double(c))).rounded())) }

    /// Images in the folder: 312.
    static var totalImages: Int { (0..<classCount).map(size(ofClass:)).reduce(0, +) }

    /// The class folder names: "class-00" … "class-51".
    static func className(_ c: Int) -> String { String(format: "class-%02d", c) }

    /// Writes the folder at `path` (which must not exist) and returns it.
    @discardableResult
    static func write(to path: String) throws -> String {
        var generator = RandomGenerator(seed: 23, stream: .samples)
        for c in 0..<classCount {
            let folder = "\(path)/\(className(c))"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let red = UInt8((c * 37) % 256), green = UInt8((c * 91 + 40) % 256), blue = UInt8((c * 53 + 90) % 256)
            let stripe = (c * 7) % height
            for i in 0..<size(ofClass: c) {
                var rgb = [UInt8](repeating: 0, count: width * height * 3)
                for y in 0..<height {
                    for x in 0..<width {
                        let inStripe = abs(y - stripe) < 6 || abs(x - (c % width)) < 3
                        let noise = Int(generator.nextIndex(below: 41)) - 20
                        let base = (y * width + x) * 3
                        for (k, channel) in [red, green, blue].enumerated() {
                            let value = (inStripe ? 255 - Int(channel) : Int(channel)) + noise
                            rgb[base + k] = UInt8(clamping: value)
                        }
                    }
                }
                let jpeg = i % 2 == 0
                let file = "\(folder)/\(String(format: "%03d", i)).\(jpeg ? "jpg" : "png")"
                let written = jpeg ? stbi_write_jpg(file, Int32(width), Int32(height), 3, rgb, 90)
                                   : stbi_write_png(file, Int32(width), Int32(height), 3, rgb, Int32(width * 3))
                guard written != 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file]) }
            }
        }
        return path
    }

    /// The folder, written once per test process under the temporary directory and shared by
    /// the tests that only read it.
    static func shared() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let sharedPath { return sharedPath }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlplab-tests-assignment-folder-\(getpid())").path
        try? FileManager.default.removeItem(atPath: path)
        try write(to: path)
        sharedPath = path
        return path
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var sharedPath: String?
}
