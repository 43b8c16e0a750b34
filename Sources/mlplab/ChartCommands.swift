import ArgumentParser
import Foundation
import MLPLab

struct SamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "Draw a 3×4 grid of random images of 12 different classes, each titled with its class (the assignment's Part 1).",
        discussion: """
            Examples:
              mlplab samples fashion-mnist -o samples.svg
              mlplab samples products -o samples.svg --seed 3
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The SVG file to write.", valueName: "file"))
    var output: String = "samples.svg"

    @OptionGroup var seedOption: SeedOption

    func run() throws {
        let dataset = try dataOptions.load()
        let grid = DatasetCharts.samples(dataset, seed: seedOption.seed ?? 1, title: "\(dataset.name): \(min(12, dataset.classCount)) random images of different classes")
        try AtomicFile.write(Data(grid.svg.utf8), to: output)
        print("wrote \(output): \(grid.items.count) images of \(grid.items.count) classes")
    }
}

struct DistributionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distribution",
        abstract: "Draw the number of images per class, sorted, with counts (the assignment's Part 2).",
        discussion: """
            Examples:
              mlplab distribution fashion-mnist -o distribution.svg
              mlplab distribution products -o distribution.svg
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The SVG file to write.", valueName: "file"))
    var output: String = "distribution.svg"

    func run() throws {
        let dataset = try dataOptions.load()
        let chart = DatasetCharts.distribution(dataset, title: "\(dataset.name): images per class (\(AxisTicks.label(Double(dataset.count))) in all)")
        let bars = chart.bars
        try AtomicFile.write(Data(chart.svg.utf8), to: output)
        let largest = bars.first!, smallest = bars.last!
        print("wrote \(output): \(bars.count) classes, largest '\(largest.label)' \(Int(largest.value)), smallest '\(smallest.label)' \(Int(smallest.value))")
    }
}
