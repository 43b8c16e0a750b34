import Foundation

/// Making folders (`mkdir -p`) with errors that name the actual problem: a file in the path, a
/// dangling link where the folder should be, a name too long, no permission, a read-only or
/// full disk. Foundation's `createDirectory` hides errno, which left every failure to one
/// advice ("check the disk has space") that was wrong for most of them.
enum Folder {
    /// Makes `path` and any missing parents; nothing when it is a folder (or a link to one)
    /// already. Throws `CheckpointError.cannotCreate` naming the component at fault, after
    /// removing the parents this call made (still empty), so that a failure leaves nothing behind.
    static func create(_ path: String) throws {
        var made: [String] = []
        do { try create(path, made: &made) } catch {
            for folder in made.reversed() { rmdir(folder) }  // only empty folders go
            throw error
        }
    }

    private static func create(_ path: String, made: inout [String]) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw CheckpointError.cannotCreate(path: path, reason: "it is a file, not a folder",
                                               fix: "Move the file away, or choose another place (run.directory, run.name, output.folder).")
        }
        try checkNotDanglingLink(path)
        let parent = PathName.parent(of: path)
        if !parent.isEmpty, parent != path { try create(parent, made: &made) }
        if mkdir(path, 0o777) != 0 {
            let code = errno
            if code == EEXIST, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
            throw error(creating: path, errno: code)
        }
        made.append(path)
    }

    /// Throws when `path` is a symbolic link whose target does not exist (or a link loop): a
    /// folder cannot be made there, and `mkdir` would only say "File exists".
    static func checkNotDanglingLink(_ path: String) throws {
        var link = stat()
        guard lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK else { return }
        var target = stat()
        guard stat(path, &target) != 0 else { return }
        let code = errno
        let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " to '\(OneLine.escaped($0))'" } ?? ""
        let reason = code == ELOOP ? "it is a symbolic link\(destination) that loops" : "it is a symbolic link\(destination), which does not exist"
        throw CheckpointError.cannotCreate(path: path, reason: reason, fix: "Remove the link, or choose another place (run.name, run.directory, output.folder).")
    }

    /// The error for `errno` from making or writing into `path`, with the fix that errno calls for.
    static func error(creating path: String, errno code: Int32) -> CheckpointError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOTDIR:
            return .cannotCreate(path: path, reason: "a part of the path is a file, not a folder",
                                 fix: "Move the file away, or choose another place (run.directory, run.name, output.folder).")
        case ENAMETOOLONG:
            return .cannotCreate(path: path, reason: "the name is too long for the file system (\(reason))",
                                 fix: "Choose a shorter name (run.name, run.directory, output.folder; at most 255 bytes a name).")
        case EEXIST:
            return .cannotCreate(path: path, reason: "something that is not a folder is in the way (\(reason))",
                                 fix: "Remove it, or choose another place (run.name, run.directory, output.folder).")
        case ELOOP:
            return .cannotCreate(path: path, reason: "the path goes through a symbolic link loop",
                                 fix: "Fix the link, or choose another place (run.directory, output.folder).")
        case EACCES, EPERM:
            return .cannotCreate(path: path, reason: "permission denied", fix: "Choose a folder you may write to (run.directory, output.folder), or change its permissions.")
        case EROFS:
            return .cannotCreate(path: path, reason: "the file system is read-only", fix: "Choose a folder on a writable disk (run.directory, output.folder).")
        case ENOSPC, EDQUOT:
            return .cannotCreate(path: path, reason: code == ENOSPC ? "the disk is full" : "the disk quota is used up",
                                 fix: "Free some space, or choose a folder on another disk (run.directory, output.folder).")
        default:
            return .cannotCreate(path: path, reason: reason, fix: "Check that the folder is writable and the disk has space.")
        }
    }
}
