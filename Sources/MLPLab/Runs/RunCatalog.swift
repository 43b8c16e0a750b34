import Foundation

/// The run folders under some folders, read for `mlplab runs`: found, read (``StoredRun``), then
/// filtered and sorted by any key of their files.
///
/// A run folder is a folder holding config.json. The search goes down through every folder
/// (`report/runs/*`, a sweep's folders, folders of folders), following links but never into a
/// folder twice; it does not go into a run folder's own subfolders nor into hidden folders.
/// Nothing is written and no lock is taken: a training may be writing any of them.
public struct RunCatalog: Sendable {
    /// The runs found, sorted by name.
    public var runs: [StoredRun]
    /// The folders under those listed that could not be read (no permission), as "NAME: reason",
    /// one line each: they may hold runs, so they are named rather than skipped in silence.
    public var unreadableFolders: [String] = []

    /// Finds and reads the run folders under `folders` (each may itself be a run folder). A run is
    /// named by its path relative to the folder it was found under, prefixed by that folder when
    /// more than one is given (so that names stay apart). Throws `RunQueryError.notAFolder` for a
    /// path that is not a folder; a run whose files are damaged is listed as `damaged`.
    public init(folders: [String]) throws {
        let locks = HeldFolderLocks()
        var found: [(path: String, name: String)] = []
        for folder in folders {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw RunQueryError.notAFolder(folder)
            }
            let root = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
            let walk = Self.walk(under: root)
            for (relative, reason) in walk.unreadable {
                let path = relative.isEmpty ? root : root + "/" + relative
                unreadableFolders.append(OneLine.escaped("\(folders.count > 1 || relative.isEmpty ? path : relative): \(reason)"))
            }
            for relative in walk.found {
                let path = relative.isEmpty ? root : root + "/" + relative
                let name = folders.count > 1 || relative.isEmpty ? path : relative
                found.append((path, name))
            }
        }
        // Read on every core: decoding JSON is nearly all of the time.
        var read = [StoredRun?](repeating: nil, count: found.count)
        read.withUnsafeMutableBufferPointer { buffer in
            let slots = UncheckedSendable(buffer), folders = found
            DispatchQueue.concurrentPerform(iterations: folders.count) { index in
                slots.value[index] = StoredRun(path: folders[index].path, name: folders[index].name, locks: locks)
            }
        }
        runs = read.map { $0! }.sorted { $0.name < $1.name }
    }

    /// A catalog of runs already read.
    public init(runs: [StoredRun], unreadableFolders: [String] = []) {
        self.runs = runs
        self.unreadableFolders = unreadableFolders
    }

    /// The paths, relative to `root` ("" for `root` itself), of the run folders under it.
    static func runFolders(under root: String) -> [String] { walk(under: root).found }

    /// The run folders under `root` (as `runFolders`) and the folders that could not be read,
    /// with the system's reason.
    static func walk(under root: String) -> (found: [String], unreadable: [(String, String)]) {
        var found: [String] = []
        var unreadable: [(String, String)] = []
        var visited = Set<DirectoryWalk.Identity>()
        func visit(_ relative: String) {
            let path = relative.isEmpty ? root : root + "/" + relative
            guard let identity = try? DirectoryWalk.identity(of: path), visited.insert(identity).inserted else { return }
            if FileManager.default.fileExists(atPath: path + "/" + RunFolder.File.config.rawValue) {
                found.append(relative)
                return
            }
            let entries: [DirectoryWalk.Entry]
            do { entries = try DirectoryWalk.entries(of: path) } catch {
                let reason = if case let DatasetError.unreadable(_, reason) = error { reason } else { "\(error)" }
                unreadable.append((relative, reason))
                return
            }
            for entry in entries where entry.isUTF8 && !entry.isHidden && !entry.isSurelyNotDirectory {
                guard case let .success(status) = DirectoryWalk.status(of: entry.rawPath), status.isDirectory else { continue }
                visit(relative.isEmpty ? entry.name : relative + "/" + entry.name)
            }
        }
        visit("")
        return (found, unreadable)
    }

    /// Throws `RunQueryError.unknownKey` for a key that is neither a listing key nor an alias and
    /// that no run holds (with the runs there to say which keys exist); the error lists the
    /// valid keys.
    public func checkKey(_ key: String) throws {
        if StoredRun.listingKeys.contains(key) || StoredRun.keyAliases[key] != nil || runs.isEmpty { return }
        if runs.contains(where: { $0.value(for: key) != nil }) { return }
        let stored = runs.reduce(into: Set<String>()) { $0.formUnion($1.storedKeys) }
        let short = StoredRun.listingKeys + StoredRun.keyAliases.keys.sorted()
        throw RunQueryError.unknownKey(key, valid: short + stored.subtracting(short).sorted())
    }

    /// The runs that meet every condition, in this catalog's order; throws for a condition on an
    /// unknown key (`checkKey`).
    public func filtered(by conditions: [RunCondition]) throws -> RunCatalog {
        for condition in conditions { try checkKey(condition.key) }
        return RunCatalog(runs: runs.filter { run in conditions.allSatisfy { $0.matches(run) } }, unreadableFolders: unreadableFolders)
    }

    /// The runs sorted by `key`'s value (numbers numerically, other values as text), runs without
    /// one last whichever the direction, ties by name; throws for an unknown key (`checkKey`).
    public func sorted(by key: String, reverse: Bool = false) throws -> RunCatalog {
        try checkKey(key)
        let keyed = runs.map { (run: $0, value: $0.value(for: key)) }
        let sorted = keyed.sorted { a, b in
            guard let first = a.value else { return false }
            guard let second = b.value else { return true }
            let order = RunCondition.order(first, second.description)
            if order == .orderedSame { return a.run.name < b.run.name }
            return (order == .orderedAscending) != reverse
        }
        return RunCatalog(runs: sorted.map(\.run), unreadableFolders: unreadableFolders)
    }
}
