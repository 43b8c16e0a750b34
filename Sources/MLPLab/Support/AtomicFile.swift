import Foundation

/// Writes files so that a crash or a full disk never leaves a half-written one: the bytes go to
/// a temporary file in the same folder, are flushed to disk, and the file is renamed into place.
public enum AtomicFile {
    /// Writes `data` to `path` through a temporary file, flushed and renamed into place.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { handle in try handle.write(contentsOf: data) }
    }

    /// Streams the file's contents through `body`, so large files need not be built in memory.
    public static func write(to path: String, _ body: (FileHandle) throws -> Void) throws {
        let parent = PathName.parent(of: path)
        let directory = parent.isEmpty ? "." : parent
        let temporary = "\(directory)/.\(PathName.lastComponent(of: path)).tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw AtomicFileError(path: path, reason: "cannot create a file in '\(directory)' (\(String(cString: strerror(errno))))")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            defer { try? handle.close() }
            try body(handle)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw AtomicFileError(path: path, reason: "writing failed (\(error.localizedDescription))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw AtomicFileError(path: path, reason: reason)
        }
    }
}

/// A file that could not be written: its path and the reason, with a fix in `description`.
public struct AtomicFileError: Error, CustomStringConvertible {
    /// The file that was to be written (its final name, not the temporary one).
    public var path: String
    /// What failed, as the system or Foundation reported it.
    public var reason: String
    /// The message, ending with what to check: the folder, its permissions, free space.
    public var description: String {
        OneLine.escaped("cannot write '\(path)': \(reason). Check that the folder exists, is writable and has free space.")
    }
}
