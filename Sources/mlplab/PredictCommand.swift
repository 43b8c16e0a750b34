import ArgumentParser
import Foundation
import MLPLab

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Class probabilities of new images from a trained model, preprocessed as in training.",
        discussion: """
            Each image is decoded and converted to gray as in training (Pillow's formula) and scaled as the model's metadata says. A model trained with --resize resizes an image of another size as training did (its file records the resize); other models take only images of their input size.

            Examples:
              mlplab predict runs/lr0.053 shoe.png
              mlplab predict model.safetensors a.jpg b.jpg --top 5 --json
              mlplab predict report/runs/beyond-cosine-* shoe.png --with report/runs/beyond-adamw-*   (Part 12's soft vote)
            """
    )

    @Argument(help: "A run folder or a model.safetensors file.")
    var model: String

    @Argument(help: "Image files.")
    var images: [String]

    @Option(name: .customLong("with"), help: ArgumentHelp("Another run folder or model file to vote with (repeat for more): the probabilities are the mean of all the models', as the study's Part 12 soft vote.", valueName: "model"))
    var others: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("How many of the most likely classes to print.", valueName: "k"))
    var top: Int = 3

    @Option(name: .customLong("max-pixels"), parsing: .unconditional, help: ArgumentHelp("Refuse images whose header claims more pixels than this (default: \(GrayImage.defaultMaximumPixels)).", valueName: "n"))
    var maximumPixels: Int = GrayImage.defaultMaximumPixels

    @Flag(name: .customLong("skip-unreadable"), help: "Skip images that cannot be read or decoded (each named on stderr) and predict the others, instead of stopping.")
    var skipUnreadable = false

    @OptionGroup var output: JSONOption
    var json: Bool { output.json }

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image file after the model.") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1 (got \(top)).") }
        guard maximumPixels >= 1 else { throw ValidationError("--max-pixels must be at least 1 (got \(maximumPixels)).") }
    }

    func run() throws {
        let vote = try Ensemble(contentsOf: [model] + others)
        let classifier = vote.members[0]
        // Decode and check every image before computing anything.
        let (decoded, names, skipped) = try others.isEmpty
            ? classifier.images(contentsOf: images, maximumPixels: maximumPixels, skippingUnreadable: skipUnreadable)
            : vote.images(contentsOf: images, maximumPixels: maximumPixels, skippingUnreadable: skipUnreadable)
        for file in skipped { Terminal.note(OneLine.escaped("skipped '\(file.path)': \(file.error.reason)")) }
        guard !decoded.isEmpty else {
            Terminal.error("Error: none of the \(images.count) image\(images.count == 1 ? "" : "s") could be used (each is named above, with why); nothing to predict. Fix or replace them, or raise --max-pixels if they are too large.")
            throw ExitCode.failure
        }
        let predictions = try others.isEmpty ? classifier.predict(decoded, names: names, top: top) : vote.predict(decoded, names: names, top: top)
        if json {
            print(try JSONCoding.string(predictions))
            return
        }
        for prediction in predictions {
            print(OneLine.escaped("\(prediction.image): " + prediction.classes.map { "\($0.name) \(Format.number($0.probability, digits: 3))" }.joined(separator: ", ")))
        }
    }
}
