/// Which samples of a ``Dataset`` train, validate and test a model.
public struct DatasetSplit: Sendable, Equatable {
    /// Indices into the data set of the training samples, in data set order (each epoch shuffles its
    /// own copy).
    public var train: [Int]
    /// Indices of the samples that choose the best epoch and the study's settings; empty when
    /// `validationFraction` is 0.
    public var validation: [Int]
    /// Indices of the samples scored once, at the end: the official test set when there is one.
    public var test: [Int]

    /// A split from explicit index lists; nothing checks that they are disjoint or in range.
    public init(train: [Int], validation: [Int], test: [Int]) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// The split `data` describes, reproducible from `seed`: what a run with this data
    /// configuration and seed trains, validates and tests on.
    public static func make(for dataset: Dataset, data: DataConfiguration, seed: UInt64) throws -> DatasetSplit {
        try make(for: dataset, testFraction: data.testFraction, validationFraction: data.validationFraction,
                 trainLimit: data.trainLimit, seed: seed)
    }

    /// The split a run uses, reproducible from `seed`.
    ///
    /// Test: the data set's official test set when it has one (Fashion-MNIST), else a stratified
    /// `testFraction`. Validation: a stratified `validationFraction` of what remains for training.
    /// `trainLimit` then keeps a stratified subset of that many training samples (quick runs).
    public static func make(
        for dataset: Dataset, testFraction: Double, validationFraction: Double, trainLimit: Int? = nil, seed: UInt64
    ) throws -> DatasetSplit {
        var pool: [Int], test: [Int]
        if let official = dataset.officialTestRange {
            pool = Array(0..<official.lowerBound) + Array(official.upperBound..<dataset.count)
            test = Array(official)
        } else {
            var generator = RandomGenerator(seed: seed, stream: .testSplit)
            (pool, test) = StratifiedSplit.holdOut(Array(0..<dataset.count), labels: dataset.labels,
                                                   classCount: dataset.classCount, fraction: testFraction, generator: &generator)
        }
        var generator = RandomGenerator(seed: seed, stream: .validationSplit)
        let (train, validation) = StratifiedSplit.holdOut(pool, labels: dataset.labels, classCount: dataset.classCount,
                                                         fraction: validationFraction, generator: &generator)
        var split = DatasetSplit(train: train, validation: validation, test: test)
        if let trainLimit, trainLimit < train.count {
            var subsetGenerator = RandomGenerator(seed: seed, stream: .subset)
            let fraction = 1 - Double(trainLimit) / Double(train.count)
            split.train = StratifiedSplit.holdOut(train, labels: dataset.labels, classCount: dataset.classCount,
                                                  fraction: fraction, generator: &subsetGenerator).kept
        }
        guard !split.train.isEmpty else {
            throw DatasetError.tooSmall(what: "the training split of '\(dataset.name)'", count: 0, needed: "at least 1 is needed")
        }
        return split
    }
}

/// Samples in each part of a split.
public struct SplitSizes: Codable, Equatable, Sendable {
    /// Training samples.
    public var train: Int
    /// Validation samples; 0 without validation.
    public var validation: Int
    /// Test samples.
    public var test: Int

    /// The sizes of a split's three parts.
    public init(train: Int, validation: Int, test: Int) {
        self.train = train
        self.validation = validation
        self.test = test
    }
}

extension DatasetSplit {
    /// How many samples each part holds.
    public var sizes: SplitSizes { SplitSizes(train: train.count, validation: validation.count, test: test.count) }
}
