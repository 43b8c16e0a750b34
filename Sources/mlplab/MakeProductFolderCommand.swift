import ArgumentParser
import Foundation
import MLPLab

struct MakeProductFolderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-product-folder",
        abstract: "Write Fashion-MNIST items as a product-like image folder: 60×80 JPEGs, one folder per class, unbalanced like the assignment.",
        discussion: """
            Class sizes at --scale 1: 3500, 2800, 2200, 1700, 1300, 900, 600, 400, 200, 100 (13,700 images). The folder is written under a temporary name and renamed when done.

            Examples:
              mlplab make-product-folder products
              mlplab make-product-folder small-products --scale 0.1
            """
    )

    @Argument(help: "The folder to create (must not exist).")
    var output: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Multiply every class size by this (at most 2: Fashion-MNIST has 7,000 images per class).", valueName: "factor"))
    var scale: Double = 1

    @OptionGroup var dataDirectory: DataDirectoryOption

    func validate() throws {
        guard scale > 0, scale <= 2 else { throw ValidationError("--scale must be above 0 and at most 2 (got \(scale)).") }
    }

    func run() throws {
        let dataset = try FashionMNIST.load(directory: FashionMNIST.resolveDirectory(dataDirectory.dataDirectory))
        let counts = try ProductFolder.write(from: dataset, to: output, scale: scale)
        print("wrote \(counts.reduce(0, +)) images of \(ProductFolder.imageSize.width)×\(ProductFolder.imageSize.height) in \(counts.count) class folders to \(output)")
        for (name, count) in zip(dataset.classNames, counts) {
            print("  \(ProductFolder.folderName(name)): \(count)")
        }
    }
}
