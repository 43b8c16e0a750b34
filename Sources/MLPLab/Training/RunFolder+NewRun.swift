import Foundation

extension RunFolder {
    /// Throws `ConfigurationError` unless `name` is a plain folder name: not empty, no "/", not
    /// starting with ".", no line breaks or control characters (it is printed and written into
    /// summary.md), and at most 255 bytes (the longest name Linux file systems take).
    public static func checkName(_ name: String) throws {
        if name.isEmpty || name.contains("/") || name.hasPrefix(".") {
            throw ConfigurationError(setting: "run.name", value: "'\(OneLine.escaped(name))'", rule: "must be a plain folder name without '/' and not starting with '.'")
        }
        if OneLine.escaped(name) != name {
            throw ConfigurationError(setting: "run.name", value: "'\(OneLine.escaped(name))'", rule: "must not hold line breaks or control characters",
                                     fix: "use letters, digits, '-', '_' and '.'")
        }
        if name.utf8.count > maximumNameBytes {
            throw ConfigurationError(setting: "run.name", value: "of \(name.utf8.count) bytes", rule: "must be at most \(maximumNameBytes) bytes, the longest file name Linux allows",
                                     fix: "choose a shorter name")
        }
    }

    /// The longest folder name, in bytes (NAME_MAX on Linux file systems).
    public static let maximumNameBytes = 255

    /// Where a new run called `name` (default: the date and time) goes under `directory`,
    /// checked before any data is read: a name that holds a run already, files of someone
    /// else's, or a place that cannot be written, is one error now, not after a long load.
    /// Nothing is made but `directory`.
    public static func pathForNewRun(in directory: String, name: String?) throws -> String {
        if let name { try checkName(name) }
        let path = directory + "/" + (name ?? newName(in: directory))
        try checkFreeForNewRun(path)
        try checkCanCreate(path)
        return path
    }

    /// Opens (and makes) the folder of a new run at `path`, refusing one that holds a run or
    /// other files by now.
    public static func openForNewRun(at path: String) throws -> RunFolder {
        let folder = try RunFolder(path: path)
        try checkFreeForNewRun(path)
        return folder
    }

    /// Throws unless `path` is missing, or a folder holding nothing but a lock and stale
    /// temporaries of MLPLab's: a new run writes config.json, summary.md and the rest there, and
    /// must not replace a user's files of those names (or mix its files with theirs).
    static func checkFreeForNewRun(_ path: String) throws {
        if FileManager.default.fileExists(atPath: path + "/" + File.config.rawValue) {
            throw CheckpointError.folderNotFree(path: path, reason: "it already holds a run", fix: "Continue it with run.resume '\(path)', or choose another run.name.")
        }
        try checkHoldsNoOtherFiles(path)
    }

    /// Throws unless the folder at `path`, which holds no run, is missing or holds nothing but a
    /// lock and stale temporaries of MLPLab's (a study's or sweep's run folders are checked too,
    /// before their first run writes into them).
    static func checkHoldsNoOtherFiles(_ path: String, fix: String = "Choose another run.name, or move them away.") throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw CheckpointError.folderNotFree(path: path, reason: "a file of that name is in the way", fix: fix)
        }
        let others = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0 != ".lock" && !isTemporaryName($0) }.sorted()
        guard others.isEmpty else {
            let listed = others.prefix(3).map { "'\(OneLine.escaped($0))'" }.joined(separator: ", ") + (others.count > 3 ? ", …" : "")
            throw CheckpointError.folderNotFree(path: path, reason: "it already holds files that are not a run's (\(listed)), which a run's files could replace", fix: fix)
        }
    }
}
