import ArgumentParser
import Foundation
import MLPLab

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the CPU, the compute engine and the kernel it picks, its measured speed, and the data sets found.",
        discussion: """
            Examples:
              mlplab doctor
              mlplab doctor --threads 1
            """
    )

    @OptionGroup var threadsOption: ThreadsOption

    @OptionGroup var dataDirectory: DataDirectoryOption

    @OptionGroup var cacheOptions: CacheOptions

    func run() throws {
        MachineReport.write(threads: threadsOption.threadCount, dataDirectory: dataDirectory.dataDirectory,
                            cacheDirectory: cacheOptions.cache?.directory) { print(FlagNames.terminalText($0)) }
    }
}
