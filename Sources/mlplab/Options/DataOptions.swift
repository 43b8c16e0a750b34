import ArgumentParser
import Foundation
import MLPLab

/// Which data to use and how to split it; shared by every command that reads data.
struct DataOptions: ParsableArguments {
    @Argument(help: "The data: 'fashion-mnist' (built in) or a folder holding IDX files.")
    var data: String = FashionMNIST.name

    @Option(name: .customLong("data-dir"), parsing: .unconditional, help: ArgumentHelp(
        "Folder holding Fashion-MNIST's IDX files (default: $MLPLAB_DATA, else \(FashionMNIST.defaultDirectory)).",
        valueName: "folder"))
    var dataDirectory: String?

    @Option(name: .customLong("val"), parsing: .unconditional, help: ArgumentHelp("Fraction of the training data held out (stratified, seeded) for validation; 0 for none.", valueName: "fraction"))
    var validationFraction: Double = 0.1

    @Option(name: .customLong("test"), parsing: .unconditional, help: ArgumentHelp("Fraction held out for testing when the data has no official test set.", valueName: "fraction"))
    var testFraction: Double = 0.2

    @Option(parsing: .unconditional, help: ArgumentHelp("Train on a stratified subset of this many training images (quick runs).", valueName: "count"))
    var subset: Int?

    func validate() throws {
        guard validationFraction >= 0, validationFraction < 1 else {
            throw ValidationError("--val must be at least 0 and below 1 (got \(validationFraction)); 0.1 holds out a tenth.")
        }
        guard testFraction > 0, testFraction < 1 else {
            throw ValidationError("--test must be above 0 and below 1 (got \(testFraction)); 0.2 holds out a fifth.")
        }
        if let subset, subset < 1 {
            throw ValidationError("--subset must be at least 1 (got \(subset)).")
        }
    }

    var configuration: DataConfiguration {
        var configuration = DataConfiguration()
        configuration.source = data
        configuration.validationFraction = validationFraction
        configuration.testFraction = testFraction
        configuration.trainLimit = subset
        return configuration
    }

    /// Loads the data set named by `data`.
    func load() throws -> Dataset {
        if data == FashionMNIST.name {
            return try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(dataDirectory))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) else {
            if data.contains("/") || data.contains(".") { throw DatasetError.notFound(path: data) }
            throw DatasetError.unknownName(data, known: [FashionMNIST.name])
        }
        if isDirectory.boolValue, FashionMNIST.isPresent(in: data) {
            var dataset = try FashionMNIST.load(directory: data)
            dataset.name = data
            return dataset
        }
        throw DatasetError.unreadable(path: data, reason: "it is not a folder holding train-/t10k- IDX files (image folders come in a later version)")
    }
}
