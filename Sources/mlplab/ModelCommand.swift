import ArgumentParser
import Foundation
import MLPLab

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "List a model's parameters as the assignment prints them.",
        discussion: """
            Examples:
              mlplab model --inputs 4800 --classes 52
              mlplab model --inputs 784 --classes 10 --hidden 256,128
            """
    )

    @Option(help: ArgumentHelp("Input size (pixels per image).", valueName: "n"))
    var inputs: Int = 784

    @Option(help: ArgumentHelp("Number of classes.", valueName: "n"))
    var classes: Int = 10

    @OptionGroup(title: "Model") var modelOptions: ModelOptions

    func validate() throws {
        try checked {
            try modelOptions.configuration(inputSize: inputs, classCount: classes).validate()
        }
    }

    func run() throws {
        let model = modelOptions.configuration(inputSize: inputs, classCount: classes)
        print("\(model.shapeDescription), \(model.activation.rawValue)")
        for (name, count) in model.namedParameterCounts {
            print("\(name) -> \(count)")
        }
        print(String(format: "total -> %ld (%.1f MB as float32)", model.parameterCount, Double(model.parameterCount * 4) / 1e6))
    }
}
