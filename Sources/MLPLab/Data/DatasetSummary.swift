/// What `mlplab info` tells about a data set: its size, and each class's images in all and in
/// each part of a split.
public struct DatasetSummary: Codable, Equatable, Sendable {
    /// The data set's name: "fashion-mnist" or the folder's path.
    public var name: String
    /// Images in all parts together.
    public var images: Int
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// Bytes the images take in memory (one byte a pixel).
    public var bytes: Int
    /// One entry per class, in label order.
    public var classes: [ClassCount]
    /// Samples in each part of the split, all classes together.
    public var split: SplitSizes
    /// Whether the test part is the data set's official test set (Fashion-MNIST's).
    public var officialTest: Bool
    /// Every file `data.image_folder.skip_unreadable` left out, with why (the printed note names only a few).
    public var skipped: [ImageFolderReport.SkippedFile]

    /// One class's images in all and in each part of the split.
    public struct ClassCount: Codable, Equatable, Sendable {
        /// The class's name.
        public var name: String
        /// The class's images in the whole data set, including any a `trainLimit` left out of the split.
        public var images: Int
        /// The class's training samples.
        public var train: Int
        /// The class's validation samples.
        public var validation: Int
        /// The class's test samples.
        public var test: Int
    }

    /// Counts `dataset`'s images per class, in all and in each part of `split`; `skipped`: the
    /// files the load left out (`ImageFolderReport.skipped`).
    public init(_ dataset: Dataset, split: DatasetSplit, skipped: [ImageFolderReport.SkippedFile] = []) {
        self.skipped = skipped
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
