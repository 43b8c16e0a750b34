import Foundation
import MLPLab
import Testing

/// `predict` on a model file whose metadata claims a model it does not hold (issue 14 #4: each
/// of these trapped with exit 134 or 132).
struct PredictCommandTests {
    @Test("predict with a model file claiming an impossible shape: one line naming the file and key, exit 1", arguments: [
        (["hidden_sizes": "[100000000000]"], "'hidden_sizes'"),
        (["input_width": "3037000500", "input_height": "3037000500"], "'input_width/input_height'"),
        (["hidden_sizes": "[" + Array(repeating: "1000000", count: 200).joined(separator: ",") + "]"], "'hidden_sizes'"),
    ])
    func impossibleModelFileIsRefused(metadata: [String: String], key: String) throws {
        let directory = try TestSupport.temporaryDirectory()
        let model = MLP(configuration: ModelConfiguration(inputSize: 4, hiddenSizes: [3], classCount: 2))
        var file = ModelFile(model: model, classNames: ["a", "b"], imageWidth: 2, imageHeight: 2, inputScaling: .unitRange).safeTensors
        file.metadata.merge(metadata) { $1 }
        let path = directory.appendingPathComponent("claims.safetensors").path
        try file.encoded().write(to: URL(fileURLWithPath: path))
        let image = directory.appendingPathComponent("x.pgm")
        try (Data("P5\n2 2\n255\n".utf8) + Data([0, 64, 128, 255])).write(to: image)

        let result = try Tool.run(["predict", path, image.path])
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(path) && result.stderr.contains(key), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// Two small models of Fashion-MNIST (seeds 1 and 2), in run folders under `root`.
    static func twoRuns(in root: String) throws -> (String, String) {
        for seed in ["1", "2"] {
            let result = try Tool.run(["train", "fashion-mnist", "--subset", "1000", "--epochs", "1", "--hidden", "16", "--threads", "1",
                                       "--seed", seed, "--run-dir", root, "--name", "seed" + seed])
            try #require(result.status == 0, "\(result.stderr)")
        }
        return (root + "/seed1", root + "/seed2")
    }

    @Test("predict --with: the probabilities are the mean of each model's, and the logits their log", .enabled(if: TestSupport.fashionMNISTAvailable))
    func predictVotes() throws {
        let root = try TestSupport.temporaryDirectory().path
        let (a, b) = try Self.twoRuns(in: root)
        let image = root + "/x.pgm"
        let pixels: [UInt8] = (0..<784).map { (index: Int) -> UInt8 in UInt8((index * 37 + index / 28 * 11) % 256) }
        try (Data("P5\n28 28\n255\n".utf8) + Data(pixels)).write(to: URL(fileURLWithPath: image))
        func probabilities(_ arguments: [String]) throws -> (names: [String: Double], logits: [Double]) {
            let result = try Tool.run(["predict"] + arguments + ["--top", "10", "--json"])
            try #require(result.status == 0, "\(result.stderr)")
            let predictions = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            let classes = try #require(predictions.first?["classes"] as? [[String: Any]])
            let pairs = classes.map { ($0["name"] as! String, ($0["probability"] as! NSNumber).doubleValue) }
            return (Dictionary(uniqueKeysWithValues: pairs), try #require(predictions.first?["logits"] as? [Double]))
        }
        let first = try probabilities([a, image]), second = try probabilities([b, image])
        let vote = try probabilities([a, image, "--with", b])
        #expect(vote.names.count == 10)
        for (name, probability) in vote.names {
            let mean = (first.names[name]! + second.names[name]!) / 2
            #expect(abs(probability - mean) < 1e-6, "\(name): \(probability) against \(mean)")
        }
        #expect(abs(vote.logits.map(Foundation.exp).reduce(0, +) - 1) < 1e-5, "the logits are the log of probabilities")
        #expect(first.names != second.names, "the two models agree to the last digit: the test would prove nothing")
    }

    @Test("evaluate --with scores the soft vote on the runs' own test split, as Ensemble does", .enabled(if: TestSupport.fashionMNISTAvailable))
    func evaluateVotes() throws {
        let root = try TestSupport.temporaryDirectory().path
        let (a, b) = try Self.twoRuns(in: root)
        let result = try Tool.run(["evaluate", a, "fashion-mnist", "--with", b, "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["model"] as? String == "\(a)/model.safetensors + \(b)/model.safetensors", "\(report)")
        let dataset = try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(nil))
        let test = Array(try #require(dataset.officialTestRange))
        let expected = try Ensemble(contentsOf: [a, b]).evaluate(test, of: dataset)
        #expect(report["samples"] as? Int == test.count)
        #expect((report["accuracy"] as? Double) == expected.accuracy)
        #expect(abs((report["loss"] as? Double ?? 0) - expected.loss) < 1e-6)
        let alone = try Classifier(contentsOf: a).evaluate(test, of: dataset)
        #expect(expected.confusion != alone.confusion, "the vote scores as its first member: the test would prove nothing")
        // The vote's charts are written only where -o says, never into the first run's folder.
        #expect(!FileManager.default.fileExists(atPath: a + "/evaluation-per-class.svg"))
    }

    @Test("a vote of runs split differently, a run that has not finished, and an image one member cannot read: each one line naming it", .enabled(if: TestSupport.fashionMNISTAvailable))
    func voteRefusals() throws {
        let root = try TestSupport.temporaryDirectory().path
        let products = root + "/products"
        try #require(try Tool.run(["make-product-folder", products, "--scale", "0.02"]).status == 0)
        let small = ["--epochs", "1", "--hidden", "8", "--threads", "1", "--run-dir", root]
        for (name, extra) in [("a", ["--seed", "1"]), ("b", ["--seed", "2"]), ("resized", ["--resize", "60x80"])] {
            let trained = try Tool.run(["train", products] + small + extra + ["--name", name])
            try #require(trained.status == 0, "\(trained.stderr)")
        }
        // Seeds 1 and 2 hold out different test images: no split is both runs' own.
        let split = try Tool.run(["evaluate", root + "/a", products, "--with", root + "/b"])
        #expect(split.status == 1 && split.stderr.contains("cannot score the vote of '\(root)/a' and '\(root)/b' on their own test split: they split with --seed 1 and 2"),
                "\(split.stderr)")
        #expect(split.stderr.split(separator: "\n").count == 1, "\(split.stderr)")
        // A run without its model (interrupted): not called damaged.
        let interrupted = root + "/interrupted"
        try FileManager.default.copyItem(atPath: root + "/a", toPath: interrupted)
        for file in ["model.safetensors", "result.json"] { try FileManager.default.removeItem(atPath: interrupted + "/" + file) }
        for arguments in [["evaluate", interrupted, products], ["evaluate", root + "/a", products, "--with", interrupted]] {
            let result = try Tool.run(arguments)
            #expect(result.status == 1 && result.stderr.contains("'\(interrupted)' has no model yet") && result.stderr.contains("--resume '\(interrupted)'")
                    && !result.stderr.contains("damaged"), "\(arguments): \(result.stderr)")
        }
        // A 28×28 image: the run trained with --resize resizes it, the other cannot read it; the
        // vote refuses it whichever member comes first.
        let image = root + "/small.pgm"
        try (Data("P5\n28 28\n255\n".utf8) + Data(repeating: 128, count: 784)).write(to: URL(fileURLWithPath: image))
        for (first, second) in [("resized", "a"), ("a", "resized")] {
            let result = try Tool.run(["predict", root + "/" + first, image, "--with", root + "/" + second])
            #expect(result.status == 1 && result.stderr.contains("'\(image)' is 28×28 pixels but the model takes 60×80 images"), "\(first) first: \(result.stderr)")
        }
        #expect(try Tool.run(["predict", root + "/resized", image]).status == 0, "the resizing model alone takes it")
    }
}
