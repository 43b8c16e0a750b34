import Foundation

/// Writes a product-like image folder from Fashion-MNIST: 60×80 grayscale JPEGs, one folder per
/// class, unbalanced like the assignment's data set (3,500 images in the largest class down to
/// 100 in the smallest), for demos, tests and benchmarks.
public enum ProductFolder {
    /// Images per class at scale 1, largest first (the assignment's classes run ~3,500 → ~100).
    public static let classSizes = [3500, 2800, 2200, 1700, 1300, 900, 600, 400, 200, 100]
    /// The assignment's image size, 60 × 80 pixels (width × height): its first layer's 4800 inputs.
    public static let imageSize = ImageSize(width: 60, height: 80)

    /// Writes the folder at `output`, which must not exist yet. Everything is written into a
    /// temporary sibling folder first and renamed at the end, so an interrupted run leaves nothing
    /// half-written at `output`. Returns the number of images per class written.
    @discardableResult
    public static func write(from dataset: Dataset, to output: String, scale: Double = 1, quality: Int = 90) throws -> [Int] {
        guard !FileManager.default.fileExists(atPath: output) else {
            throw DatasetError.folderExists(path: output)
        }
        let counts = classSizes.prefix(dataset.classCount).map { max(1, Int((Double($0) * scale).rounded())) }
        let available = dataset.classCounts(of: 0..<dataset.count)
        for (label, count) in counts.enumerated() where count > available[label] {
            throw DatasetError.tooSmall(what: "class '\(dataset.classNames[label])'", count: available[label],
                                        needed: "\(count) are needed at scale \(scale)")
        }
        let parent = PathName.parent(of: output)
        let temporary = (parent.isEmpty ? "." : parent) + "/.\(PathName.lastComponent(of: output)).partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            var written = [Int](repeating: 0, count: dataset.classCount)
            for name in dataset.classNames {
                try FileManager.default.createDirectory(atPath: "\(temporary)/\(folderName(name))", withIntermediateDirectories: true)
            }
            let width = dataset.imageWidth, height = dataset.imageHeight
            for index in 0..<dataset.count {
                let label = Int(dataset.labels[index])
                guard label < counts.count, written[label] < counts[label] else { continue }
                let start = index * width * height
                let path = "\(temporary)/\(folderName(dataset.classNames[label]))/\(String(format: "%05ld", written[label])).jpg"
                let image = try GrayImage(width: width, height: height, pixels: Array(dataset.pixels[start..<(start + width * height)]))
                    .resized(width: imageSize.width, height: imageSize.height, path: "\(dataset.name) image \(index)")
                try image.jpegData(quality: quality).write(to: URL(fileURLWithPath: path))
                written[label] += 1
            }
            try FileManager.default.moveItem(atPath: temporary, toPath: output)
            return written
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// A class name usable as a folder name ("T-shirt/top" → "T-shirt-top").
    public static func folderName(_ className: String) -> String {
        className.replacingOccurrences(of: "/", with: "-")
    }
}
