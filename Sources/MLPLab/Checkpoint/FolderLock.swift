import Foundation

/// An exclusive lock on a folder (created if needed): `.lock` inside it, held with flock for the
/// life of this value or the process, so a killed process frees it. The file names the holder.
public final class FolderLock {
    private let descriptor: Int32

    /// How long a training that is stopping may still hold its folder: a stop waits for the end
    /// of the batch, `mpirun` sends SIGKILL a second after SIGTERM, and the ranks of an `mpirun`
    /// that was killed notice it about a second later. Opening a folder that no live training
    /// should hold (a resumed run) waits this long for its lock, so that the same command run
    /// again at once continues instead of calling the folder in use. (Studies and sweeps wait
    /// for a held run folder as long as its holder lives: see `RunStore.runAll`.)
    public static let stoppingHolderWait: Duration = .seconds(5)

    /// Creates the folder at `path` if needed and takes its lock, writing this process's id into
    /// `.lock`. When another process holds it, waits up to `patience` (polling; none by default)
    /// for it to let go, then throws `CheckpointError.locked`, naming the holder's id.
    public init(path: String, waitingUpTo patience: Duration = .zero) throws {
        try Folder.create(path)
        let lockPath = path + "/.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw Folder.error(creating: lockPath, errno: errno) }
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            if clock.now < deadline {
                usleep(20_000)
                continue
            }
            // The holder's id, read through our own descriptor into a small buffer: the holder
            // may be truncating and rewriting it this instant, and Foundation's file reading
            // leaked its buffer when a file changed size under it (seen under LeakSanitizer
            // with ranks of one study taking each other's run folders).
            var bytes = [UInt8](repeating: 0, count: 32)
            let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            let owner = String(decoding: bytes.prefix(max(read, 0)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw CheckpointError.locked(path: path, pid: owner.isEmpty ? "unknown" : owner)
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
