/// The assignment's first two pictures of a data set: sample images (Part 1) and images per
/// class (Part 2), for `mlplab samples`, `mlplab distribution` and the study.
public enum DatasetCharts {
    /// A 4-column grid of `count` random images of different classes (picked with `seed`),
    /// each titled with its class.
    public static func samples(_ dataset: Dataset, count: Int = 12, seed: UInt64, title: String) -> ImageGrid {
        samples(dataset, indices: dataset.samplesOfDistinctClasses(count: count, seed: seed), title: title)
    }

    /// A 4-column grid of the images at `indices`, each titled with its class.
    public static func samples(_ dataset: Dataset, indices: [Int], title: String) -> ImageGrid {
        ImageGrid(title: title, columns: 4, items: indices.map { (dataset.classNames[Int(dataset.labels[$0])], dataset.image(at: $0)) })
    }

    /// Images per class, largest first (ties by name).
    public static func classCounts(_ dataset: Dataset) -> [(label: String, value: Double)] {
        zip(dataset.classNames, dataset.classCounts(of: 0..<dataset.count))
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            .map { (label: $0.0, value: Double($0.1)) }
    }

    /// One bar per class, largest first, with its count.
    public static func distribution(_ dataset: Dataset, title: String) -> BarChart {
        BarChart(title: title, valueLabel: "images", bars: classCounts(dataset))
    }
}
