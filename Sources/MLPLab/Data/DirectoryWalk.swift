import Foundation

/// Lists folders by name first and looks at an entry only when the walk needs to: what an entry
/// is can be decided by its name (an image's extension, a hidden dot) before anything is opened
/// or stat-ed, so a dangling link called `README` or a lock file never stops a run. Symbolic
/// links are followed (as torchvision's `os.walk(followlinks=True)`), never into a folder that
/// is already being read (a loop).
enum DirectoryWalk {
    /// A name in a folder, as read from the folder; nothing about the entry itself is known yet
    /// except what the folder says of its type.
    struct Entry {
        /// The name, or its bytes escaped (`\xff`) when it is not UTF-8; for messages and
        /// extension checks, and for paths only when `isUTF8`.
        var name: String
        /// Whether the name is valid UTF-8 (only then can it be a class name or a path in a
        /// data set).
        var isUTF8: Bool
        /// The entry's full path as bytes, NUL-terminated: usable whatever the name's encoding.
        var rawPath: [CChar]
        /// The folder's type field (`DT_DIR`, `DT_REG`, `DT_LNK`, …; `DT_UNKNOWN` on file systems
        /// that do not fill it in).
        var type: UInt8
        /// The raw name, for sorting in code-point order as Python's `sorted()` does.
        var rawName: [UInt8]

        var isHidden: Bool { rawName.first == UInt8(ascii: ".") }
        /// Whether the folder already says this is not a folder (and not a link to one): such an
        /// entry never needs a stat to be walked past.
        var isSurelyNotDirectory: Bool { type != UInt8(DT_DIR) && type != UInt8(DT_LNK) && type != UInt8(DT_UNKNOWN) }
    }

    /// What a stat (following links) found.
    struct Status {
        var isDirectory: Bool
        /// A plain file (not a device, socket or pipe, which could block a read forever).
        var isRegularFile: Bool
        var size: Int
        /// Modification and inode change time, "seconds.nanoseconds" since 1970 (for cache keys).
        var modified: String
        var changed: String
        var identity: Identity
    }

    /// A folder's or file's identity, to recognise a folder again through a link.
    struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// The status of `rawPath` (links followed), or why there is none: "a dangling symbolic
    /// link", "a symbolic link loop", or the system's reason.
    static func status(of rawPath: [CChar]) -> Result<Status, StatusError> {
        var info = stat()
        guard stat(rawPath, &info) == 0 else {
            let code = errno
            var link = stat()
            if code == ENOENT && lstat(rawPath, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK {
                return .failure(StatusError(reason: "it is a dangling symbolic link: its target is missing",
                                            fix: "Restore its target or remove the link"))
            }
            if code == ELOOP { return .failure(StatusError(reason: "it is a symbolic link loop", fix: "Remove the link or point it elsewhere")) }
            return .failure(StatusError(reason: String(cString: strerror(code)), fix: "Check that it exists and is readable"))
        }
        let kind = info.st_mode & S_IFMT
        return .success(Status(
            isDirectory: kind == S_IFDIR, isRegularFile: kind == S_IFREG, size: Int(info.st_size),
            modified: "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)", changed: "\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)",
            identity: Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))))
    }

    /// Why an entry has no status, and what to do about it.
    struct StatusError: Error {
        var reason: String
        var fix: String
    }

    static func identity(of path: String) throws -> Identity {
        switch status(of: Array(path.utf8CString)) {
        case let .success(status): return status.identity
        case let .failure(error): throw DatasetError.unreadable(path: path, reason: error.reason)
        }
    }

    /// The entries of `path`, sorted by name in code-point order as Python's `sorted()` does,
    /// without "." and ".."; nothing but the folder itself is read.
    static func entries(of path: String) throws -> [Entry] {
        guard let directory = opendir(path) else {
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        let prefix = Array((path.hasSuffix("/") ? path : path + "/").utf8)
        var entries: [Entry] = []
        while let entry = readdir(directory) {
            let raw = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if raw == [UInt8(ascii: ".")] || raw == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            let valid = String(validating: raw, as: UTF8.self)
            entries.append(Entry(name: valid ?? OneLine.escaped(bytes: raw), isUTF8: valid != nil,
                                 rawPath: (prefix + raw).map { CChar(bitPattern: $0) } + [0],
                                 type: entry.pointee.d_type, rawName: raw))
        }
        return entries.sorted { $0.rawName.lexicographicallyPrecedes($1.rawName) }
    }
}
