import Foundation
import MLPLab
import Testing

/// Ensemble: the soft vote is the mean of the members' probabilities, scored as one model, and
/// members that do not describe the same classes of the same images are refused by name.
struct EnsembleTests {
    static let dataset = SyntheticData.quadrants(count: 3000)

    /// Two small models of the quadrants, barely trained (one epoch at a small rate, from
    /// different seeds) so that they are unsure and disagree on some images.
    static func runs() throws -> [TrainingRun] {
        try [1, 2].map { seed in
            try TrainingRunTests.run(dataset, hidden: [8], epochs: 1, seed: UInt64(seed)) { $0.optimizer.learningRate = 0.0005 }
        }
    }

    static func members() throws -> [Classifier] {
        try runs().map { try ClassifierTests.classifier($0) }
    }

    @Test("the vote's probabilities are the mean of the members', and its evaluation scores their argmax")
    func voteIsTheMeanOfTheMembers() throws {
        let members = try Self.members()
        let vote = try Ensemble(members)
        let indices = Array(0..<Self.dataset.count)
        let classes = vote.classNames.count
        let each = try members.map { try $0.probabilities(indices, of: Self.dataset) }
        let probabilities = try vote.probabilities(indices, of: Self.dataset)
        #expect(probabilities.count == indices.count * classes)
        let mean = probabilities.indices.map { (Double(each[0][$0]) + Double(each[1][$0])) / 2 }
        #expect(TestSupport.maximumDifference(probabilities[...], mean) < 1e-6)

        // The confusion matrix and loss, computed here from the Double mean.
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var loss = 0.0, disagreements = 0
        for (row, sample) in indices.enumerated() {
            let range = (row * classes)..<((row + 1) * classes)
            let predicted = range.max { mean[$0] < mean[$1] }! - range.lowerBound
            let label = Int(Self.dataset.labels[sample])
            confusion[label][predicted] += 1
            loss -= Foundation.log(mean[range.lowerBound + label])
            let firstPick = range.max { each[0][$0] < each[0][$1] }!, secondPick = range.max { each[1][$0] < each[1][$1] }!
            if firstPick != secondPick { disagreements += 1 }
        }
        let evaluation = try vote.evaluate(indices, of: Self.dataset)
        #expect(evaluation.confusion == confusion)
        #expect(abs(evaluation.loss - loss / Double(indices.count)) < 1e-5)
        // The test means something only if the members disagree somewhere.
        #expect(disagreements > 0, "the two members agree on every image")
        print("vote accuracy \(evaluation.accuracy), members \(try members.map { try $0.evaluate(indices, of: Self.dataset).accuracy }), \(disagreements) disagreements")
    }

    @Test("a vote of one model scores as that model")
    func oneMemberIsItsModel() throws {
        let member = try Self.members()[0]
        let indices = Array(0..<Self.dataset.count)
        let alone = try member.evaluate(indices, of: Self.dataset)
        let vote = try Ensemble([member]).evaluate(indices, of: Self.dataset)
        #expect(vote.confusion == alone.confusion)
        #expect(abs(vote.loss - alone.loss) < 1e-5 * max(1, alone.loss))
    }

    @Test("models read from their files vote as the models in memory")
    func readFromFiles() throws {
        let runs = try Self.runs()
        let members = try runs.map { try ClassifierTests.classifier($0) }
        let folder = try TestSupport.temporaryDirectory().path
        try ModelFile.write(runs[0].model, dataset: Self.dataset, scaling: .unitRange, to: folder + "/a.safetensors")
        try ModelFile.write(runs[1].model, dataset: Self.dataset, scaling: .unitRange, to: folder + "/b.safetensors")
        let read = try Ensemble(contentsOf: [folder + "/a.safetensors", folder + "/b.safetensors"], threads: 1)
        let indices = Array(0..<500)
        #expect(try read.probabilities(indices, of: Self.dataset) == Ensemble(members).probabilities(indices, of: Self.dataset))
    }

    @Test("forward selection adds, while it helps, the member whose vote scores best, starting from the best model alone")
    func selectionIsGreedyOnTheGivenSamples() throws {
        let candidates = try [1, 2, 3, 4].map { seed in
            try ClassifierTests.classifier(try TrainingRunTests.run(Self.dataset, hidden: [8], epochs: 1, seed: UInt64(seed)) {
                $0.optimizer.learningRate = 0.0002 * Double(seed + 1)
            })
        }
        let indices = Array(stride(from: 0, to: Self.dataset.count, by: 3))
        let steps = try Ensemble.select(from: candidates, on: indices, of: Self.dataset)
        // The same selection, written out with whole votes.
        func accuracy(_ members: [Int]) throws -> Double {
            try Ensemble(members.map { candidates[$0] }).evaluate(indices, of: Self.dataset).accuracy
        }
        var chosen: [Int] = [], expected: [(Int, Double)] = []
        while chosen.count < candidates.count {
            var best: (Int, Double)?
            for candidate in candidates.indices where !chosen.contains(candidate) {
                let score = try accuracy(chosen + [candidate])
                if best == nil || score > best!.1 { best = (candidate, score) }
            }
            if let last = expected.last, best!.1 <= last.1 { break }
            chosen.append(best!.0)
            expected.append(best!)
        }
        #expect(steps.map(\.candidate) == expected.map(\.0) && steps.map(\.accuracy) == expected.map(\.1), "\(steps) against \(expected)")
        let alone = try candidates.indices.map { try accuracy([$0]) }
        #expect(steps[0].accuracy == alone.max())
        // Meaningful only if the vote took more than one member here.
        #expect(steps.count >= 2, "\(steps)")
        print("alone \(alone), selection \(steps)")
    }

    @Test("members with other classes or another image size are refused, naming the member; so is an empty vote")
    func mismatchedMembersAreRefused() throws {
        let run = try TrainingRunTests.run(Self.dataset, hidden: [8], epochs: 1)
        let first = try ClassifierTests.classifier(run)
        var renamed = ModelFile(dataset: run.dataset, model: run.model, scaling: .unitRange)
        renamed.classNames[0] = "another class"
        let otherClasses = try Classifier(renamed, path: "other-classes.safetensors", threads: 1)
        #expect {
            try Ensemble([first, otherClasses])
        } throws: { error in
            "\(error)".contains("'other-classes.safetensors' cannot vote with") && "\(error)".contains("another class")
        }
        var reordered = ModelFile(dataset: run.dataset, model: run.model, scaling: .unitRange)
        reordered.classNames.swapAt(0, 1)
        let otherOrder = try Classifier(reordered, path: "other-order.safetensors", threads: 1)
        #expect {
            try Ensemble([first, otherOrder])
        } throws: { error in
            "\(error)".contains("'other-order.safetensors' cannot vote with") && "\(error)".contains("the same classes in another order")
        }

        let small = Dataset(name: "small", classNames: run.dataset.classNames, imageWidth: 2, imageHeight: 2,
                            pixels: [UInt8](repeating: 7, count: 4 * 4), labels: [0, 1, 2, 3])
        let smallModel = MLP(configuration: ModelConfiguration(inputSize: 4, hiddenSizes: [3], classCount: run.dataset.classCount))
        let otherSize = try Classifier(ModelFile(dataset: small, model: smallModel, scaling: .unitRange), path: "two-by-two.safetensors", threads: 1)
        #expect {
            try Ensemble([first, otherSize])
        } throws: { error in
            "\(error)".contains("two-by-two.safetensors") && "\(error)".contains("2×2")
        }
        #expect(throws: CheckpointError.self) { try Ensemble([]) }
    }

    @Test("the same model file given twice, by its path or its folder, is refused: it would count twice")
    func duplicatesAreRefused() throws {
        let run = try TrainingRunTests.run(Self.dataset, hidden: [8], epochs: 1)
        let folder = try TestSupport.temporaryDirectory().path
        try ModelFile.write(run.model, dataset: Self.dataset, scaling: .unitRange, to: folder + "/model.safetensors")
        for sources in [[folder + "/model.safetensors", folder + "/model.safetensors"], [folder, folder + "/"], [folder + "/", folder + "/./model.safetensors"]] {
            #expect {
                try Ensemble(contentsOf: sources, threads: 1)
            } throws: { error in
                "\(error)".contains("the same model file, which would count twice") && !"\(error)".contains("//")
            }
        }
        #expect(Classifier.modelPath(for: folder + "/") == folder + "/model.safetensors")
    }
}
