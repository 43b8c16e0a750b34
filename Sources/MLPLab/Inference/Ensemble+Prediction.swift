import Foundation

extension Ensemble {
    /// The `k` most likely classes of each of `images` (named `names`, one each) by the vote:
    /// the mean of the members' probabilities, ranked as `Classifier.top(_:of:)` ranks them.
    /// The images are as the first member prepares them (`Classifier.images(contentsOf:…)`);
    /// every member reads that size. A prediction's `logits` are the log of the mean
    /// probabilities, whose softmax gives them back. Throws as `Classifier.logits(_:)` does.
    public func predict(_ images: [GrayImage], names: [String], top k: Int) throws -> [Classifier.Prediction] {
        precondition(names.count == images.count, "Ensemble.predict: one name per image")
        let probabilities = Ensemble.mean(try members.map { try $0.probabilities(images) })
        let classes = classNames.count
        return images.indices.map { row in
            let range = (row * classes)..<((row + 1) * classes)
            return Classifier.Prediction(
                image: names[row],
                classes: members[0].top(k, of: probabilities[range]).map { .init(name: $0.name, probability: Double($0.probability)) },
                logits: probabilities[range].map { log($0) })
        }
    }
}
