import Foundation

/// Writes IDX bytes (optionally gzipped with the system's gzip) for the reader to reject or accept.
enum IDXFixture {
    static func bytes(magic: [UInt8] = [0, 0, 8, 3], dimensions: [Int], payload: [UInt8]) -> [UInt8] {
        var data = magic
        for d in dimensions { data += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
        return data + payload
    }

    static func write(_ bytes: [UInt8], to url: URL, gzip: Bool = false) throws -> String {
        try Data(bytes).write(to: url)
        guard gzip else { return url.path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-f", "-n", url.path]
        try process.run()
        process.waitUntilExit()
        return url.path + ".gz"
    }
}
