extension Classifier {
    /// What `predict` tells of one image: the most likely classes with their probabilities,
    /// and the model's raw outputs for every class.
    public struct Prediction: Codable, Sendable {
        /// The image's name, as the caller gave it (a path).
        public var image: String
        /// The `k` most likely classes, most likely first.
        public var classes: [Entry]
        /// The logits for every class, in class order.
        public var logits: [Float]

        /// One ranked class: its name and probability.
        public struct Entry: Codable, Sendable {
            /// The class's name, from the model file.
            public var name: String
            /// Its softmax probability, 0…1 (computed in Float).
            public var probability: Double
        }
    }

    /// The `k` most likely classes of each of `images` (named `names`, one each), with logits.
    public func predict(_ images: [GrayImage], names: [String], top k: Int) throws -> [Prediction] {
        precondition(names.count == images.count, "Classifier.predict: one name per image")
        let logits = try logits(images)
        let probabilities = probabilities(logits: logits)
        return images.indices.map { row in
            let range = (row * classCount)..<((row + 1) * classCount)
            return Prediction(image: names[row],
                              classes: top(k, of: probabilities[range]).map { .init(name: $0.name, probability: Double($0.probability)) },
                              logits: Array(logits[range]))
        }
    }
}
