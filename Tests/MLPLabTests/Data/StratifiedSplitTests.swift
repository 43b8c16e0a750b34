import MLPLab
import Testing

struct StratifiedSplitTests {
    @Test("holds out ceil(fraction·n) samples, each class in proportion, seeded and disjoint")
    func stratifiedHoldOutIsProportional() {
        // Unbalanced: 500, 300, 150, 50 samples.
        let labels: [Int32] = [Int32](repeating: 0, count: 500) + [Int32](repeating: 1, count: 300)
            + [Int32](repeating: 2, count: 150) + [Int32](repeating: 3, count: 50)
        var generator = RandomGenerator(seed: 1, stream: .testSplit)
        let (kept, heldOut) = StratifiedSplit.holdOut(Array(labels.indices), labels: labels, classCount: 4,
                                                      fraction: 0.2, generator: &generator)
        #expect(heldOut.count == 200 && kept.count == 800)
        #expect(Set(kept).isDisjoint(with: heldOut) && Set(kept).union(heldOut).count == 1000)
        var counts = [0, 0, 0, 0]
        for i in heldOut { counts[Int(labels[i])] += 1 }
        #expect(counts == [100, 60, 30, 10])

        var again = RandomGenerator(seed: 1, stream: .testSplit)
        #expect(StratifiedSplit.holdOut(Array(labels.indices), labels: labels, classCount: 4, fraction: 0.2, generator: &again).heldOut == heldOut)
    }

    @Test("leftover samples go to the classes with the largest remainders")
    func leftoversGoToLargestRemainders() {
        // 7, 2, 1 samples, 30 %: ceil(3) = 3; shares 2.1, 0.6, 0.3 → floors 2, 0, 0 → one more to class 1.
        let labels: [Int32] = [0, 0, 0, 0, 0, 0, 0, 1, 1, 2]
        var generator = RandomGenerator(seed: 4, stream: .testSplit)
        let heldOut = StratifiedSplit.holdOut(Array(labels.indices), labels: labels, classCount: 3, fraction: 0.3, generator: &generator).heldOut
        #expect(heldOut.map { labels[$0] }.sorted() == [0, 0, 1])
    }
}
