import Foundation

extension Ensemble {
    /// The image files at `paths`, decoded and converted to gray once, as they are: each member
    /// prepares them as its own training did when it predicts (`Classifier.prepared`). Every
    /// member must take each image, so the answer does not depend on the members' order:
    /// `CheckpointError.imageSizeMismatch` for an image one of them cannot read (another size
    /// and no resize in its training). With `skippingUnreadable`, a file that cannot be read or
    /// decoded is left out and returned in `skipped`, as `Classifier.images` does.
    public func images(contentsOf paths: [String], maximumPixels: Int = GrayImage.defaultMaximumPixels,
                       skippingUnreadable: Bool = false)
        throws -> (images: [GrayImage], paths: [String], skipped: [(path: String, error: DatasetError)])
    {
        var images: [GrayImage] = [], kept: [String] = [], skipped: [(path: String, error: DatasetError)] = []
        for path in paths {
            let image: GrayImage
            do { image = try Classifier.decodedImage(contentsOf: path, maximumPixels: maximumPixels) } catch let error as DatasetError where skippingUnreadable {
                skipped.append((path, error))
                continue
            }
            for member in members { try member.check(try member.prepared(image, path: path), name: path) }
            images.append(image)
            kept.append(path)
        }
        return (images, kept, skipped)
    }

    /// The `k` most likely classes of each of `images` (named `names`, one each; as `images`
    /// decodes them) by the vote: the mean of the members' probabilities, each member reading
    /// the images prepared as its training did, ranked as `Classifier.top(_:of:)` ranks them. A
    /// prediction's `logits` are the log of the mean probabilities, whose softmax gives them
    /// back. Throws as `Classifier.logits(_:)` does, and as `images` does for an image a member
    /// cannot read.
    public func predict(_ images: [GrayImage], names: [String], top k: Int) throws -> [Classifier.Prediction] {
        precondition(names.count == images.count, "Ensemble.predict: one name per image")
        let probabilities = Ensemble.mean(try members.map { member in
            try member.probabilities(try zip(images, names).map { image, name in
                let prepared = try member.prepared(image, path: name)
                try member.check(prepared, name: name)
                return prepared
            })
        })
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
