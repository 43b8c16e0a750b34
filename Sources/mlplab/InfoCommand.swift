import ArgumentParser
import Foundation
import MLPLab

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a data set: classes and their counts, image size, bytes, split sizes.",
        discussion: """
            Examples:
              mlplab info fashion-mnist
              mlplab info products --test 0.2 --val 0.1
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions

    @OptionGroup var seedOption: SeedOption

    @OptionGroup var output: JSONOption
    var json: Bool { output.json }

    func run() throws {
        let (dataset, skipped) = try dataOptions.loadReporting(dataOptions.configuration(), threads: CPUInfo.usableCores)
        let split = try DatasetSplit.make(for: dataset, data: dataOptions.configuration(), seed: seedOption.seed ?? 1)
        let summary = DatasetSummary(dataset, split: split, skipped: skipped)
        if json {
            print(try JSONCoding.string(summary))
            return
        }
        print("\(OneLine.escaped(dataset.name)): \(dataset.count) images of \(dataset.imageWidth)×\(dataset.imageHeight) (width × height), \(dataset.classCount) classes, \(Format.grouped(Double(dataset.pixels.count))) bytes as UInt8")
        print("split: \(split.train.count) train, \(split.validation.count) validation, \(split.test.count) test\(summary.officialTest ? " (official test set)" : "")")
        print("")
        print(summary.table.text)
    }
}
