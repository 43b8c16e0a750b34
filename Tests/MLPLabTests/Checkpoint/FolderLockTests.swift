import Foundation
import MLPLab
import Testing

/// `FolderLock`: one holder at a time, and a bounded wait for a holder that is letting go (a
/// training stopping after Ctrl-C, the ranks of a killed `mpirun`).
struct FolderLockTests {
    /// Holds `path`'s lock now and lets go of it after `seconds`, from another thread, as a
    /// process that is stopping does. (flock locks of two descriptors exclude each other even in
    /// one process.)
    static func holdBriefly(_ path: String, seconds: Double) throws {
        let holder = UncheckedBox<FolderLock>()
        holder.value = try FolderLock(path: path)
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { holder.value = nil }
    }

    @Test("a folder that cannot be made (a name too long at the end) leaves none of the parents it made")
    func failedCreationLeavesNothing() throws {
        let root = try TestSupport.temporaryDirectory().path
        let path = root + "/a/b/" + String(repeating: "x", count: 300) + "/c"
        #expect {
            _ = try FolderLock(path: path)
        } throws: { error in
            "\(error)".contains("cannot create")
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/a"), "the parents made on the way stayed")
        // A parent that was there before stays.
        try FileManager.default.createDirectory(atPath: root + "/kept", withIntermediateDirectories: false)
        #expect(throws: CheckpointError.self) { _ = try FolderLock(path: root + "/kept/d/" + String(repeating: "y", count: 300)) }
        #expect(FileManager.default.fileExists(atPath: root + "/kept") && !FileManager.default.fileExists(atPath: root + "/kept/d"))
    }

    @Test("a lock whose holder lets go within the wait is taken; without a wait, or past it, the holder's process is named")
    func waitsForAHolderThatLetsGo() throws {
        let path = try TestSupport.temporaryDirectory().path + "/run"
        try Self.holdBriefly(path, seconds: 0.5)
        #expect(throws: CheckpointError.locked(path: path, pid: "\(getpid())")) { try FolderLock(path: path) }
        #expect(throws: CheckpointError.locked(path: path, pid: "\(getpid())")) { try FolderLock(path: path, waitingUpTo: .milliseconds(100)) }
        let clock = ContinuousClock()
        let start = clock.now
        let lock = try FolderLock(path: path, waitingUpTo: FolderLock.stoppingHolderWait)
        #expect(clock.now - start < FolderLock.stoppingHolderWait)
        #expect(try String(contentsOfFile: path + "/.lock", encoding: .utf8) == "\(getpid())\n")
        withExtendedLifetime(lock) {}
    }

    @Test("a study's report folder another process holds is shared, not called in use; claim takes it once the holder lets go")
    func reportFolderIsSharedAndClaimed() throws {
        let path = try TestSupport.temporaryDirectory().path + "/report"
        try Self.holdBriefly(path, seconds: 0.5)
        let lockWritten = try FileManager.default.attributesOfItem(atPath: path + "/.lock")[.modificationDate] as? Date
        usleep(20_000)
        let folder = try ReportFolder(path: path, kind: .study)
        #expect(folder.sharedWith == "\(getpid())")
        // Its study started when the holder took the folder, not later when this one opened it.
        #expect(folder.started == lockWritten)
        var holders: [String] = []
        let clock = ContinuousClock(), start = clock.now
        try folder.claim { holders.append($0) }
        #expect(holders == ["\(getpid())"], "the holder is named once: \(holders)")
        // At least until the holder lets go (0.5 s after it took the lock); the upper bound is
        // loose, as the suite shares two cores with MPI and Slurm jobs.
        #expect(clock.now - start >= .milliseconds(300) && clock.now - start < .seconds(10))
        #expect(try String(contentsOfFile: path + "/.lock", encoding: .utf8) == "\(getpid())\n")
        // Held now: a third opener shares it, naming this process.
        #expect(try ReportFolder(path: path, kind: .study).sharedWith == "\(getpid())")
    }
}
