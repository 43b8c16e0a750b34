import Foundation

/// An exclusive lock on a folder (created if needed): `.lock` inside it, held with flock for the
/// life of this value or the process, so a killed process frees it. The file names the holder.
public final class FolderLock {
    private let descriptor: Int32

    /// Creates the folder at `path` if needed and takes its lock without waiting, writing this
    /// process's id into `.lock`. Throws `CheckpointError.locked`, naming the holder's id, when
    /// another process holds it.
    public init(path: String) throws {
        try Folder.create(path)
        let lockPath = path + "/.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw Folder.error(creating: lockPath, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw CheckpointError.locked(path: path, pid: owner.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { Foundation.write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
