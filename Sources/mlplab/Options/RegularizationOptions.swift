import ArgumentParser
import MLPLab

/// `--dropout` and `--augment`, for every command that trains: left out, they keep the
/// configuration's value (none, or a resumed run's).
struct RegularizationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Dropout after each hidden layer's activation, as nn.Dropout(p) in training mode (zero with probability p, scale the rest by 1/(1-p); off at evaluation): one p for all hidden layers, or one per layer, comma-separated (default: none).",
        valueName: "p[,p…]"), transform: RegularizationOptions.parseProbabilities)
    var dropout: [Double]?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Flip and/or shift each training image as its batch is gathered: flip (left to right, half the images; RandomHorizontalFlip), shift:N (up to N pixels each way, the border zero; RandomCrop with padding N), or flip,shift:N. Seeded; evaluation sees the images as they are (default: none).",
        valueName: "flip,shift:N"), transform: RegularizationOptions.parseAugmentation)
    var augment: Augmentation?

    static func parseAugmentation(_ text: String) throws -> Augmentation {
        guard let augmentation = Augmentation(parsing: text) else {
            throw ValidationError("augmentations are flip, shift:N (N a whole number from 1) or both, comma-separated, e.g. flip,shift:2")
        }
        return augmentation
    }

    static func parseProbabilities(_ text: String) throws -> [Double] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ValidationError("dropout probabilities are numbers from 0 to below 1, one for all hidden layers or one per layer, e.g. 0.2 or 0.2,0.2,0.1")
        }
        return values.map { $0! }
    }

    /// `base` with the options given.
    func configuration(base: TrainingConfiguration) -> TrainingConfiguration {
        var configuration = base
        if let dropout { configuration.dropout = dropout }
        if let augment { configuration.augment = augment }
        return configuration
    }

    /// A usage error unless `--dropout` gives one probability or one per hidden layer of a model
    /// with `hiddenLayers` (`--hidden`'s count, or the default three).
    func check(hiddenLayers: Int) throws {
        if let dropout, dropout.count != 1, dropout.count != hiddenLayers {
            throw ValidationError("--dropout takes one probability, or one per hidden layer (\(hiddenLayers) here); got \(dropout.count).")
        }
    }
}
