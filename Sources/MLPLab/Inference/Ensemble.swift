import Foundation

/// Several models voting softly: an image's class probabilities are the mean of the members'
/// softmax outputs, and its class the most probable one. This is scikit-learn's
/// `VotingClassifier(voting="soft")` with equal weights, or in PyTorch
/// `torch.stack([m(x).softmax(1) for m in models]).mean(0)`.
///
/// Models trained differently make different mistakes, so their average is often right more
/// often than any one of them; `select(from:on:of:)` keeps the members that help on a
/// validation split. The study's Part 12 measures by how much.
public struct Ensemble {
    /// The models, in the order given; each computes with its own input scaling.
    public let members: [Classifier]

    /// Class names shared by every member, in label order.
    public var classNames: [String] { members[0].classNames }

    /// An ensemble of `members`. Throws `CheckpointError.cannotVote`, naming the member, when
    /// one has other classes (or the same in another order) or another image size than the
    /// first: their probabilities would not describe the same classes of the same images; and
    /// `CheckpointError.dataMismatch` when there is no member.
    public init(_ members: [Classifier]) throws {
        guard let first = members.first else {
            throw CheckpointError.dataMismatch(path: "ensemble", reason: "it has no models; give it at least one")
        }
        for member in members.dropFirst() {
            if member.classNames != first.classNames {
                let reason = Set(member.classNames) == Set(first.classNames) && member.classNames.count == first.classNames.count
                    ? "it has the same classes in another order (\(member.classNames.joined(separator: ", ")) against \(first.classNames.joined(separator: ", ")))"
                    : "its classes (\(member.classNames.joined(separator: ", "))) are not those of the first (\(first.classNames.joined(separator: ", ")))"
                throw CheckpointError.cannotVote(path: member.path, other: first.path, reason: reason)
            }
            if member.imageWidth != first.imageWidth || member.imageHeight != first.imageHeight {
                throw CheckpointError.cannotVote(path: member.path, other: first.path, reason: "it reads \(member.imageWidth)×\(member.imageHeight) images and the first \(first.imageWidth)×\(first.imageHeight)")
            }
        }
        self.members = members
    }

    /// The ensemble of the models at `sources` (model files or run folders, as
    /// `Classifier.init(contentsOf:threads:availableMemory:)` reads them), each computing with
    /// `threads` threads.
    ///
    /// The same model file given twice (by its path or its run folder) is refused with
    /// `CheckpointError.cannotVote`: it would count twice in the mean. Train another model to
    /// weigh one more, or give it once.
    public init(contentsOf sources: [String], threads: Int = CPUInfo.usableCores) throws {
        var seen: [String: String] = [:]
        for source in sources {
            let path = Classifier.modelPath(for: source)
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
            if let earlier = seen[resolved] {
                throw CheckpointError.cannotVote(path: path, other: earlier, reason: "it is the same model file, which would count twice in the mean")
            }
            seen[resolved] = path
        }
        try self.init(sources.map { try Classifier(contentsOf: $0, threads: threads) })
    }

    /// The mean of the members' class probabilities for the samples `indices` of `dataset`,
    /// indices.count × classCount, row-major. Throws as `Classifier.check(against:)` does when
    /// the data does not fit a member.
    public func probabilities(_ indices: [Int], of dataset: Dataset) throws -> [Float] {
        Ensemble.mean(try members.map { try $0.probabilities(indices, of: dataset) })
    }

    /// The ensemble's predictions on the samples `indices` of `dataset`: the confusion matrix
    /// of its most probable classes (ties go to the lower class index, as `MLP.predictions`
    /// breaks them) and the mean cross-entropy of its averaged probabilities, each at least
    /// `Float.leastNonzeroMagnitude` so that one image all members rule out gives a large,
    /// finite loss. One member gives that member's `Classifier.evaluate(_:of:)` up to float rounding.
    public func evaluate(_ indices: [Int], of dataset: Dataset) throws -> Evaluation {
        Ensemble.evaluation(of: try probabilities(indices, of: dataset), indices: indices, of: dataset, classes: classNames.count)
    }

    // MARK: Choosing the members

    /// Chooses members among `candidates` on the samples `indices` of `dataset` (a validation
    /// split) by forward selection (Caruana et al., "Ensemble selection from libraries of
    /// models", 2004): start from the most accurate candidate alone, then add, one at a time,
    /// the candidate whose vote with those chosen is the most accurate, as long as that is more
    /// accurate than before. Ties go to the earlier candidate. Returns the chosen candidates'
    /// positions in `candidates`, in the order added, with the accuracy after each addition;
    /// one position when no vote beats the best candidate alone.
    public static func select(from candidates: [Classifier], on indices: [Int], of dataset: Dataset) throws
        -> [(candidate: Int, accuracy: Double)] {
        precondition(!candidates.isEmpty, "Ensemble.select: no candidates")
        let probabilities = try candidates.map { try $0.probabilities(indices, of: dataset) }
        let classes = candidates[0].classCount
        func accuracy(_ chosen: [Int]) -> Double {
            evaluation(of: mean(chosen.map { probabilities[$0] }), indices: indices, of: dataset, classes: classes).accuracy
        }
        var steps: [(candidate: Int, accuracy: Double)] = []
        var chosen: [Int] = []
        while chosen.count < candidates.count {
            let scored = candidates.indices.filter { !chosen.contains($0) }.map { ($0, accuracy(chosen + [$0])) }
            let best = scored.max { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 > $1.0) }!
            if let last = steps.last, best.1 <= last.accuracy { break }
            chosen.append(best.0)
            steps.append((best.0, best.1))
        }
        return steps
    }

    // MARK: The vote

    /// The element-wise mean of equally long lists of probabilities, summed in order.
    static func mean(_ lists: [[Float]]) -> [Float] {
        var sum = lists[0]
        for list in lists.dropFirst() {
            for index in sum.indices { sum[index] += list[index] }
        }
        let scale = 1 / Float(lists.count)
        for index in sum.indices { sum[index] *= scale }
        return sum
    }

    /// The confusion matrix and mean cross-entropy of averaged `probabilities` (indices.count ×
    /// classes) against the labels of `indices` in `dataset`.
    static func evaluation(of probabilities: [Float], indices: [Int], of dataset: Dataset, classes: Int) -> Evaluation {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var lossSum = 0.0
        for (row, sample) in indices.enumerated() {
            let values = probabilities[(row * classes)..<((row + 1) * classes)]
            var predicted = values.startIndex
            for index in values.indices where values[index] > values[predicted] { predicted = index }
            let label = Int(dataset.labels[sample])
            confusion[label][predicted - values.startIndex] += 1
            lossSum -= Double(log(max(values[values.startIndex + label], Float.leastNonzeroMagnitude)))
        }
        return Evaluation(confusion: confusion, loss: lossSum / Double(max(indices.count, 1)))
    }
}
