import Foundation

/// Writes files so that a crash or a full disk never leaves a half-written one: the bytes go to
/// a temporary file in the same folder, are flushed to disk, and the file is renamed into place.
public enum AtomicFile {
    /// Writes `data` to `path` through a temporary file, flushed and renamed into place.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { handle in try handle.write(contentsOf: data) }
    }

    /// Throws `AtomicFileError` when `path` names a folder (or a link to one): a file cannot be
    /// written there. A command that works a long time before it writes checks this first.
    public static func checkTarget(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw AtomicFileError(path: path, reason: "it is a folder", fix: "Give the name of a file to write, in that folder or elsewhere.")
        }
    }

    /// Streams the file's contents through `body`, so large files need not be built in memory.
    public static func write(to path: String, _ body: (FileHandle) throws -> Void) throws {
        try checkTarget(path)
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
    /// What to do; nil for the usual: check the folder, its permissions and free space.
    public var fix: String?

    /// An error writing `path`, for `reason`, with `fix` when the usual checks do not apply.
    public init(path: String, reason: String, fix: String? = nil) {
        self.path = path
        self.reason = reason
        self.fix = fix
    }

    /// The message, ending with what to do.
    public var description: String {
        OneLine.escaped("cannot write '\(path)': \(reason). " + (fix ?? "Check that the folder exists, is writable and has free space."))
    }
}
