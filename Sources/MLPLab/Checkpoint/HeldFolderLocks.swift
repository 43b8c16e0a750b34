import Foundation

/// The flock locks held on this machine when it was made, to tell whether a run folder's `.lock`
/// (see ``FolderLock``) is held by a live training, without taking the lock or touching the file.
///
/// On Linux it reads `/proc/locks` once: each `FLOCK` line names the device and inode of a locked
/// file, and a folder's lock is held when its `.lock` has one of them (a killed process frees its
/// lock, so a stale `.lock` with a dead pid in it reads as free). Reading is chosen over trying
/// `flock(LOCK_SH | LOCK_NB)` and releasing it: for the moment such a probe holds its shared
/// lock, a training starting in that folder would fail to take its exclusive one and stop with
/// "locked". Where `/proc/locks` cannot be read (not Linux), it falls back to that probe, which
/// is right but can disturb a training that starts in the same microsecond.
public struct HeldFolderLocks: Sendable {
    /// Locked files as (device, inode); nil when `/proc/locks` could not be read.
    private let files: Set<FileIdentity>?

    private struct FileIdentity: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    /// The locks held now.
    public init() {
        guard let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else {
            files = nil
            return
        }
        files = Set(table.split(separator: "\n").compactMap(Self.lockedFile))
    }

    /// The file of one `/proc/locks` line, e.g. "2: FLOCK  ADVISORY  WRITE 17547 fe:00:16223498 0 EOF"
    /// (major and minor device numbers in hex, the inode in decimal), for flock locks only.
    private static func lockedFile(_ line: Substring) -> FileIdentity? {
        let fields = line.split(separator: " ")
        // A lock waited for is listed as "2: -> FLOCK …"; only held ones count.
        guard fields.count >= 6, fields[1] == "FLOCK" else { return nil }
        let parts = fields[5].split(separator: ":")
        guard parts.count == 3, let major = UInt32(parts[0], radix: 16), let minor = UInt32(parts[1], radix: 16),
              let inode = UInt64(parts[2]) else { return nil }
        return FileIdentity(device: deviceNumber(major: UInt64(major), minor: UInt64(minor)), inode: inode)
    }

    /// glibc's `makedev`: the `st_dev` of a device's major and minor numbers (not imported into Swift).
    private static func deviceNumber(major: UInt64, minor: UInt64) -> UInt64 {
        ((major & 0xfff) << 8) | ((major & 0xffff_f000) << 32) | (minor & 0xff) | ((minor & 0xffff_ff00) << 12)
    }

    /// Whether a process holds the lock of the run folder at `path`: its `.lock` exists and is
    /// flock-ed by someone (this process included).
    public func isHeld(folder path: String) -> Bool {
        let lockPath = path + "/.lock"
        var info = stat()
        guard stat(lockPath, &info) == 0 else { return false }
        if let files { return files.contains(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))) }
        let descriptor = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(descriptor, LOCK_UN)
        return false
    }
}
