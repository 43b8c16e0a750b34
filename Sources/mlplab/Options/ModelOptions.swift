import ArgumentParser
import MLPLab

/// The model's shape: hidden widths, activation, initialization. Options left out keep the
/// configuration's value (the default, or a resumed run's).
struct ModelOptions: ParsableArguments {
    @OptionGroup var widths: WidthOptions

    @Option(help: ArgumentHelp("Activation between layers: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")) (default: relu).", valueName: "name"))
    var activation: Activation?

    @Option(name: .customLong("init"), help: ArgumentHelp("Initialization: torch (nn.Linear's default), zero, xavier, kaiming (default: torch).", valueName: "name"))
    var initialization: Initialization?

    /// A model for `inputSize` inputs and `classCount` classes: the default model with every
    /// option that was given applied.
    func configuration(inputSize: Int, classCount: Int) -> ModelConfiguration {
        configuration(base: ModelConfiguration(inputSize: inputSize, classCount: classCount))
    }

    /// `base` with every option that was given applied.
    func configuration(base: ModelConfiguration) -> ModelConfiguration {
        var configuration = base
        if let hidden = widths.hidden { configuration.hiddenSizes = hidden.widths }
        if let activation { configuration.activation = activation }
        if let initialization { configuration.initialization = initialization }
        return configuration
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
