import ArgumentParser
import Foundation
import MLPLab

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Class probabilities of new images from a trained model, preprocessed as in training.",
        discussion: """
            Each image is decoded and converted to gray as in training (Pillow's formula) and scaled as the model's metadata says; it must have the model's input size.

            Examples:
              mlplab predict runs/lr0.053 shoe.png
              mlplab predict model.safetensors a.jpg b.jpg --top 5 --json
            """
    )

    @Argument(help: "A run folder or a model.safetensors file.")
    var model: String

    @Argument(help: "Image files.")
    var images: [String]

    @Option(parsing: .unconditional, help: ArgumentHelp("How many of the most likely classes to print.", valueName: "k"))
    var top: Int = 3

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image file after the model.") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1 (got \(top)).") }
    }

    func run() throws {
        let classifier = try Classifier(contentsOf: model)
        // Decode and check every image before computing anything.
        let decoded = try images.map { try classifier.image(contentsOf: $0) }
        let predictions = try classifier.predict(decoded, names: images, top: top)
        if json {
            print(try JSONCoding.string(predictions))
            return
        }
        for prediction in predictions {
            print(OneLine.escaped("\(prediction.image): " + prediction.classes.map { "\($0.name) \(Format.number($0.probability, digits: 3))" }.joined(separator: ", ")))
        }
    }
}
