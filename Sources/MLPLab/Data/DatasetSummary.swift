/// What `mlplab info` tells about a data set: its size, and each class's images in all and in
/// each part of a split.
public struct DatasetSummary: Codable, Equatable, Sendable {
    public var name: String
    public var images: Int
    public var width: Int
    public var height: Int
    /// Bytes the images take in memory (one byte a pixel).
    public var bytes: Int
    public var classes: [ClassCount]
    public var split: SplitSizes
    /// Whether the test part is the data set's official test set (Fashion-MNIST's).
    public var officialTest: Bool

    public struct ClassCount: Codable, Equatable, Sendable {
        public var name: String
        public var images: Int
        public var train: Int
        public var validation: Int
        public var test: Int
    }

    public init(_ dataset: Dataset, split: DatasetSplit) {
        let all = dataset.classCounts(of: 0..<dataset.count)
        let train = dataset.classCounts(of: split.train), validation = dataset.classCounts(of: split.validation)
        let test = dataset.classCounts(of: split.test)
        name = dataset.name
        images = dataset.count
        width = dataset.imageWidth
        height = dataset.imageHeight
        bytes = dataset.pixels.count
        classes = dataset.classNames.indices.map {
            ClassCount(name: dataset.classNames[$0], images: all[$0], train: train[$0], validation: validation[$0], test: test[$0])
        }
        self.split = split.sizes
        officialTest = dataset.officialTestRange != nil
    }
}
