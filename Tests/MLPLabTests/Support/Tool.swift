import Foundation
import Testing

/// Runs the built `mlplab` the way a user does and checks exit codes and messages.
enum Tool {
    /// `$MLPLAB_BINARY` (set by `make test`), else the release or debug build in this package.
    static var binary: String? {
        if let path = ProcessInfo.processInfo.environment["MLPLAB_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return ["release", "debug"].map { root.appendingPathComponent(".build/\($0)/mlplab").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// "thread" when the tool and tests are built under ThreadSanitizer (`make test-tsan` sets
    /// MLPLAB_SANITIZER): its runtime takes SIGBUS under a file-size limit (`ulimit -f`), so the
    /// full-disk cases that use one are skipped there.
    static var underThreadSanitizer: Bool { ProcessInfo.processInfo.environment["MLPLAB_SANITIZER"] == "thread" }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], executable: String? = nil) throws -> Result {
        let binary = try #require(Tool.binary, "build the tool first ('make test' does): no .build/*/mlplab")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a chatty child never blocks on a full pipe.
        let errData = UncheckedBox<Data>()
        let reader = Thread { errData.value = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errData.value == nil { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.value!, as: UTF8.self))
    }
}
