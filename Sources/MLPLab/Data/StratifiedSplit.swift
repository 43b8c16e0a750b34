/// Seeded stratified hold-out, the way scikit-learn's `train_test_split(…, stratify=…)` sizes it.
///
/// `ceil(fraction · n)` samples are held out. Each class gives the floor of its share of that
/// number; the samples still missing go one each to the classes with the largest remainders
/// (ties broken by the generator). Within a class, which samples are held out is a seeded
/// shuffle. Both returned lists keep the input's order.
public enum StratifiedSplit {
    /// Holds out `fraction` of `indices` (0 ≤ fraction < 1, a precondition), stratified by
    /// `labels`, which is indexed by the values in `indices` (each label in 0..<classCount). Draws
    /// from `generator`; the same generator state gives the same split.
    public static func holdOut(
        _ indices: [Int], labels: [Int32], classCount: Int, fraction: Double, generator: inout RandomGenerator
    ) -> (kept: [Int], heldOut: [Int]) {
        precondition(fraction >= 0 && fraction < 1, "StratifiedSplit: fraction must be in [0, 1)")
        guard fraction > 0, !indices.isEmpty else { return (indices, []) }
        let total = indices.count
        let heldOutCount = Int((fraction * Double(total)).rounded(.up))

        var members = [[Int]](repeating: [], count: classCount)
        for index in indices { members[Int(labels[index])].append(index) }

        var quotas = members.map { Int((Double($0.count) * Double(heldOutCount) / Double(total)).rounded(.down)) }
        var missing = heldOutCount - quotas.reduce(0, +)
        if missing > 0 {
            let remainders = members.indices.map { c in
                Double(members[c].count) * Double(heldOutCount) / Double(total) - Double(quotas[c])
            }
            // Largest remainder first; a random key breaks ties.
            let keys = members.indices.map { _ in generator.next() }
            let order = members.indices
                .filter { quotas[$0] < members[$0].count }
                .sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : keys[$0] < keys[$1] }
            for c in order where missing > 0 {
                quotas[c] += 1
                missing -= 1
            }
        }

        var isHeldOut = Set<Int>()
        for c in members.indices where quotas[c] > 0 {
            var chosen = members[c]
            generator.shuffle(&chosen)
            isHeldOut.formUnion(chosen.prefix(quotas[c]))
        }
        var kept: [Int] = [], heldOut: [Int] = []
        kept.reserveCapacity(total - isHeldOut.count)
        heldOut.reserveCapacity(isHeldOut.count)
        for index in indices {
            if isHeldOut.contains(index) { heldOut.append(index) } else { kept.append(index) }
        }
        return (kept, heldOut)
    }
}
