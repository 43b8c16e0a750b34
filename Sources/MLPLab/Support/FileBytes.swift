import Foundation

/// Reading whole files with plain POSIX calls: Foundation's `Data(contentsOf:)` costs several
/// times more per small file, which adds up over tens of thousands of images.
enum FileBytes {
    /// The contents of the regular file at `path`. Anything else (a pipe, socket or device) is
    /// refused without waiting: it is opened non-blocking, so a FIFO without a writer cannot
    /// hang the read.
    static func read(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            var link = stat()
            if code == ENOENT, lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK {
                throw FileReadError(path: path, reason: "it is a dangling symbolic link: its target is missing")
            }
            throw FileReadError(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileReadError(path: path, reason: (info.st_mode & S_IFMT) == S_IFDIR ? "it is a folder, not a file" : "it is not a regular file (a pipe, socket or device)")
        }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        let got = try bytes.withUnsafeMutableBytes { try readFully(descriptor, into: $0.baseAddress, count: size, path: path) }
        if got < size { bytes.removeLast(size - got) }
        return bytes
    }

    /// The contents of the regular file at `path`, or nil when there is nothing at all there
    /// (no such name, or a path through a file: `model.safetensors/config.json`). Anything else that cannot be read (a folder, a pipe, a dangling link, no permission)
    /// throws, so that a caller for which a missing file has a meaning (a run not finished yet)
    /// never takes an unreadable one for missing.
    static func readIfPresent(_ path: String) throws -> [UInt8]? {
        var link = stat()
        if lstat(path, &link) != 0 && (errno == ENOENT || errno == ENOTDIR) { return nil }
        return try read(path)
    }

    /// Reads up to `count` bytes; returns how many arrived (fewer only at the end of the file).
    static func readFully(_ descriptor: Int32, into pointer: UnsafeMutableRawPointer?, count: Int, path: String) throws -> Int {
        var done = 0
        while done < count {
            let got = Foundation.read(descriptor, pointer! + done, count - done)
            if got < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { break }
            done += got
        }
        return done
    }
}

/// A file that could not be read: its path and the system's reason. The layer that knows what
/// the file was for (an image, a model) turns it into its own error with a fix.
public struct FileReadError: Error, CustomStringConvertible {
    /// The file that could not be read.
    public var path: String
    /// The system's reason (`strerror`), e.g. "No such file or directory".
    public var reason: String
    /// The message, ending with what to check.
    public var description: String { OneLine.escaped("cannot read '\(path)': \(reason). Check that the file exists and is readable.") }
}
