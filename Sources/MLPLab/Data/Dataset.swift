/// A labelled image data set held as bytes: `count` grayscale images of `imageHeight ×
/// imageWidth`, row-major, one after another, converted to floats only per batch.
public struct Dataset: Sendable {
    /// What the user called it ("fashion-mnist" or a folder path).
    public var name: String
    /// Class names in label order: label i is `classNames[i]`.
    public var classNames: [String]
    /// Width of every image, in pixels.
    public var imageWidth: Int
    /// Height of every image, in pixels.
    public var imageHeight: Int
    /// count × featureCount bytes, 0…255.
    public var pixels: [UInt8]
    /// One class index per image, in image order, each in 0..<classCount.
    public var labels: [Int32]
    /// Samples that form an official test set (Fashion-MNIST's t10k files), if the data has one.
    public var officialTestRange: Range<Int>?

    /// A data set of decoded images. `pixels` must hold labels.count × imageWidth × imageHeight bytes
    /// (a precondition); labels are not checked here. `officialTestRange` nil: the data has no
    /// official test set, so a split holds one out.
    public init(name: String, classNames: [String], imageWidth: Int, imageHeight: Int,
                pixels: [UInt8], labels: [Int32], officialTestRange: Range<Int>? = nil) {
        precondition(pixels.count == labels.count * imageWidth * imageHeight, "Dataset: pixels and labels disagree")
        self.name = name
        self.classNames = classNames
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.pixels = pixels
        self.labels = labels
        self.officialTestRange = officialTestRange
    }

    /// Number of images, which is the number of labels.
    public var count: Int { labels.count }
    /// Number of classes: the model's output width.
    public var classCount: Int { classNames.count }
    /// Pixels per image: the model's input size.
    public var featureCount: Int { imageWidth * imageHeight }

    /// How many of `indices` fall in each class.
    public func classCounts<C: Collection>(of indices: C) -> [Int] where C.Element == Int {
        var counts = [Int](repeating: 0, count: classCount)
        for index in indices { counts[Int(labels[index])] += 1 }
        return counts
    }
}

extension Dataset {
    /// One image of each of up to `count` different classes, picked at random (seeded): the
    /// first image of each new class in a seeded shuffle, as the assignment's Part 1 does.
    public func samplesOfDistinctClasses(count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<self.count)
        var generator = RandomGenerator(seed: seed, stream: .samples)
        generator.shuffle(&order)
        var seen = Set<Int32>()
        var picked: [Int] = []
        for index in order where !seen.contains(labels[index]) {
            seen.insert(labels[index])
            picked.append(index)
            if picked.count == count { break }
        }
        return picked
    }

    /// Sample `index` as an image.
    public func image(at index: Int) -> GrayImage {
        let start = index * featureCount
        return GrayImage(width: imageWidth, height: imageHeight, pixels: Array(pixels[start..<(start + featureCount)]))
    }
}
