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

    /// Runs the tool (or `executable`) with `arguments`, `environment` added to this process's,
    /// in `directory` (else this process's).
    static func run(_ arguments: [String], environment: [String: String] = [:], executable: String? = nil,
                    directory: String? = nil) throws -> Result {
        let binary = try #require(Tool.binary, "build the tool first ('make test' does): no .build/*/mlplab")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
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

/// The tool running in the background, its output gathered as it comes: a test can wait for a
/// line, send it a signal, and then collect its result (for processes that run side by side).
final class RunningTool: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var output = [Data(), Data()]
    private var open = 2

    /// Starts the tool with `arguments`, `environment` added to this process's.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: try #require(Tool.binary, "build the tool first ('make test' does): no .build/*/mlplab"))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipes = [Pipe(), Pipe()]
        process.standardOutput = pipes[0]
        process.standardError = pipes[1]
        try process.run()
        for (stream, pipe) in pipes.enumerated() {
            Thread { [self] in
                while case let chunk = pipe.fileHandleForReading.availableData, !chunk.isEmpty {
                    lock.withLock { output[stream].append(chunk) }
                }
                lock.withLock { open -= 1 }
            }.start()
        }
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// What it wrote to stderr so far.
    var stderr: String { lock.withLock { String(decoding: output[1], as: UTF8.self) } }

    /// Waits until its stderr holds `text` (true) or it exits or `timeout` passes (false).
    func waitForStderr(containing text: String, timeout: Duration = .seconds(60)) -> Bool {
        let clock = ContinuousClock(), end = clock.now + timeout
        while clock.now < end {
            if stderr.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Sends it SIGINT, as Ctrl-C does.
    func interrupt() { kill(pid, SIGINT) }

    /// Waits for it to exit; its status and everything it wrote.
    func finish() -> Tool.Result {
        process.waitUntilExit()
        while lock.withLock({ open > 0 }) { usleep(1000) }
        return lock.withLock {
            Tool.Result(status: process.terminationStatus, stdout: String(decoding: output[0], as: UTF8.self),
                        stderr: String(decoding: output[1], as: UTF8.self))
        }
    }
}
