import ArgumentParser
import MLPLab

/// The model's shape: hidden widths, activation, initialization.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Hidden layer widths, comma-separated (default: ¾, ½, ¼ of the input size, e.g. 588,392,196 for 28×28).", valueName: "w1,w2,…"),
            transform: LayerWidths.parse)
    var hidden: LayerWidths?

    @Option(help: ArgumentHelp("Activation between layers: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var activation: Activation = .relu

    @Option(name: .customLong("init"), help: ArgumentHelp("Initialization: torch (nn.Linear's default), zero, xavier, kaiming.", valueName: "name"))
    var initialization: Initialization = .torch

    func configuration(inputSize: Int, classCount: Int) -> ModelConfiguration {
        ModelConfiguration(inputSize: inputSize, hiddenSizes: hidden?.widths, classCount: classCount,
                           activation: activation, initialization: initialization)
    }
}

/// "588,392,196" → [588, 392, 196]; every width at least 1.
struct LayerWidths {
    var widths: [Int]

    static func parse(_ argument: String) throws -> LayerWidths {
        guard let widths = ModelConfiguration.parseHiddenSizes(argument) else {
            throw ValidationError("hidden widths must be whole numbers from 1 to \(ModelConfiguration.maximumWidth), separated by commas, e.g. 588,392,196")
        }
        return LayerWidths(widths: widths)
    }
}

extension Activation: ExpressibleByArgument {}
extension Initialization: ExpressibleByArgument {}
