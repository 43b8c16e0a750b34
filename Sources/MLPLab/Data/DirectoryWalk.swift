import Foundation

/// Lists folders strictly: names must be UTF-8, symbolic links are followed but never into a
/// folder that is already being read (a loop), and anything unreadable is an error, not a skip.
enum DirectoryWalk {
    struct Entry {
        var name: String
        var path: String
        var isDirectory: Bool
        /// A plain file (not a device, socket or pipe, which could block a read forever).
        var isRegularFile: Bool
        /// Size in bytes and modification time, "seconds.nanoseconds" (for cache keys).
        var size: Int
        var modified: String
    }

    /// A folder's identity, to recognise it again through a link.
    struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    static func identity(of path: String) throws -> Identity {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The entries of `path` (following links), sorted by name in code-point order as Python's
    /// `sorted()` does, without "." and "..".
    static func entries(of path: String) throws -> [Entry] {
        guard let directory = opendir(path) else {
            throw DatasetError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while let entry = readdir(directory) {
            let raw = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard let name = String(validating: raw, as: UTF8.self) else {
                let escaped = raw.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
                throw DatasetError.nameNotUTF8(directory: path, escaped: escaped)
            }
            if name == "." || name == ".." { continue }
            let child = path.hasSuffix("/") ? path + name : path + "/" + name
            var info = stat()
            guard stat(child, &info) == 0 else {
                throw DatasetError.unreadable(path: child, reason: errno == ELOOP ? "a symbolic link loop" : String(cString: strerror(errno)))
            }
            let kind = info.st_mode & S_IFMT
            entries.append(Entry(name: name, path: child, isDirectory: kind == S_IFDIR, isRegularFile: kind == S_IFREG,
                                 size: Int(info.st_size), modified: "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"))
        }
        return entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }
}
