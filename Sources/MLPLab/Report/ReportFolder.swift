import Foundation

/// The folder a study or a sweep writes its report and run folders into, held locked while in
/// use, and refused when it holds files MLPLab did not write: the report would replace a
/// user's `index.html` or `report.md` of the same name, or mix its files with theirs.
///
/// A folder is MLPLab's when it is new or empty, when it holds the marker `.mlplab-report`
/// (written on the first open, naming the kind), or, for folders written before the marker, when
/// its own results file is MLPLab's (a study's results.json with `mlplab_version`, a sweep's
/// sweep.md table) or it holds nothing but `runs/` (an interrupted one). `force` writes into any
/// folder; files of other names are never touched.
public final class ReportFolder {
    /// What writes into the folder; each kind has its own files.
    public enum Kind: String, Sendable {
        case study, sweep

        /// The entries the report and its runs occupy, for the message.
        public var entries: [String] {
            switch self {
            case .study: return ["index.html", "report.md", "results.json", "charts/", "runs/"]
            case .sweep: return ["sweep.md", "loss.svg", "accuracy.svg", "runs/"]
            }
        }

        /// Whether `directory`, which has no marker, holds this kind's report from a version of
        /// MLPLab that wrote none.
        func holdsEarlierReport(_ directory: String) -> Bool {
            switch self {
            case .study:
                guard let data = FileManager.default.contents(atPath: directory + "/results.json") else { return false }
                return String(decoding: data.prefix(1 << 20), as: UTF8.self).contains("\"mlplab_version\"")
            case .sweep:
                guard let data = FileManager.default.contents(atPath: directory + "/sweep.md") else { return false }
                return String(decoding: data.prefix(200), as: UTF8.self).hasPrefix("| run | final loss |")
            }
        }
    }

    /// The folder's path as given.
    public let path: String
    /// The kind of report written here.
    public let kind: Kind
    private let lock: FolderLock

    /// The marker's name: a hidden file holding the kind ("study" or "sweep").
    public static let markerName = ".mlplab-report"

    /// Opens (creating if needed) the folder at `path` for a report of `kind` and takes its lock,
    /// giving a study or sweep that is stopping there `FolderLock.stoppingHolderWait` to let go.
    /// Throws `CheckpointError.locked` when another process still uses it,
    /// `CheckpointError.folderNotFree` when it holds files MLPLab did not write (unless `force`),
    /// and `CheckpointError.cannotWrite` when it cannot be written.
    public init(path: String, kind: Kind, force: Bool = false) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CheckpointError.folderNotFree(path: path, reason: "it is a file, not a folder", fix: "Choose another output.folder.")
        }
        lock = try FolderLock(path: path, waitingUpTo: FolderLock.stoppingHolderWait)
        self.path = path
        self.kind = kind
        if !force { try checkOwned() }
        try AtomicFile.write(Data((kind.rawValue + "\n").utf8), to: path + "/" + Self.markerName)
    }

    /// Throws unless the folder is empty or MLPLab's report of this kind.
    private func checkOwned() throws {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0 != ".lock" && $0 != Self.markerName && !RunFolder.isTemporaryName($0) }.sorted()
        if entries.isEmpty { return }
        let fix = "Choose another output.folder, or give output.force to write into it anyway (files of other names are left alone)."
        if let marker = FileManager.default.contents(atPath: path + "/" + Self.markerName) {
            let written = String(decoding: marker, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if written == kind.rawValue { return }
            throw CheckpointError.folderNotFree(path: path, reason: "it holds \(Kind(rawValue: written).map { "a \($0.rawValue)'s report" } ?? "another report") of MLPLab's, not a \(kind.rawValue)'s", fix: fix)
        }
        // An earlier version's report, or its interrupted study or sweep: run folders only.
        if kind.holdsEarlierReport(path) || entries == ["runs"] { return }
        let listed = entries.prefix(3).map { "'\(OneLine.escaped($0))'" }.joined(separator: ", ") + (entries.count > 3 ? ", …" : "")
        throw CheckpointError.folderNotFree(path: path, reason: "it holds files MLPLab did not write (\(listed)), and a \(kind.rawValue) writes \(kind.entries.joined(separator: ", ")) there", fix: fix)
    }

    /// Opens the folder for a report written by a job spread over `communicator`'s ranks: rank 0
    /// opens and checks it as `init` does (the others wait and fail with it), then every rank
    /// checks that it sees the same folder (`Communicator.checkShared`). Returns the folder on
    /// rank 0 (which alone writes the report), nil on the others. Without a communicator, `init`.
    public static func open(path: String, kind: Kind, force: Bool = false, communicator: Communicator?) throws -> ReportFolder? {
        guard let communicator, communicator.size > 1 else { return try ReportFolder(path: path, kind: kind, force: force) }
        let folder = try communicator.onLeader { try ReportFolder(path: path, kind: kind, force: force) }
        try communicator.checkShared(path)
        return folder
    }
}
