import MLPLab

/// A tiny synthetic data set: 4 classes of 8×8 images, each class a bright quadrant plus noise.
enum SyntheticData {
    static func quadrants(count: Int = 400, seed: UInt64 = 1) -> Dataset {
        var generator = RandomGenerator(seed: seed, stream: .samples)
        var pixels: [UInt8] = []
        var labels: [Int32] = []
        for i in 0..<count {
            let label = i % 4
            for y in 0..<8 {
                for x in 0..<8 {
                    let inside = (y < 4) == (label < 2) && (x < 4) == (label % 2 == 0)
                    let base = inside ? 170 : 40
                    pixels.append(UInt8(base + generator.nextIndex(below: 60)))
                }
            }
            labels.append(Int32(label))
        }
        return Dataset(name: "quadrants", classNames: ["a", "b", "c", "d"], imageWidth: 8, imageHeight: 8,
                       pixels: pixels, labels: labels)
    }
}
