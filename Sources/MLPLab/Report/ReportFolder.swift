import Foundation

/// The folder a study or a sweep writes its report and run folders into, held locked while in
/// use, and refused when it holds files MLPLab did not write: the report would replace a
/// user's `index.html` or `report.md` of the same name, or mix its files with theirs.
///
/// Several processes may open one folder (a job array, two terminals): the first holds its lock,
/// the others share it (`sharedWith`) and its runs (see `RunStore.runAll`), and each takes the
/// lock (`claim`) before it writes the report, so that one writes at a time, and a report another
/// process already wrote for the same runs is left as it is (`StudyReport.writeOnce`).
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
    /// The process that held the folder when this one opened it (the id its lock names), nil
    /// when this process took the lock: a study or sweep running beside this one on the same
    /// output, whose run folders this one shares. `claim` takes the lock before the report is
    /// written.
    public let sharedWith: String?
    /// When the study or sweep writing here started, by the clock of the filesystem that holds
    /// the folder: when this process opened it (the marker's modification time, written then),
    /// or, when it shares the folder, when the holder took it (its lock file's, written then)
    /// if that was earlier. Runs finished since were trained by this study or sweep, by this
    /// process or another beside it, not reused (`RunStore.reusedBefore`): so every process
    /// that shares the folder counts as the first one does, whichever writes the report.
    public let started: Date
    private var lock: FolderLock?

    /// The marker's name: a hidden file holding the kind ("study" or "sweep").
    public static let markerName = ".mlplab-report"

    /// Opens (creating if needed) the folder at `path` for a report of `kind`, and takes its lock
    /// unless another process holds it: then this one shares the folder (`sharedWith`). Throws
    /// `CheckpointError.folderNotFree` when it holds files MLPLab did not write (unless `force`),
    /// and `CheckpointError.cannotWrite` when it cannot be written.
    public init(path: String, kind: Kind, force: Bool = false) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CheckpointError.folderNotFree(path: path, reason: "it is a file, not a folder", fix: "Choose another output.folder.")
        }
        do {
            lock = try FolderLock(path: path)
            sharedWith = nil
        } catch let CheckpointError.locked(_, holder) {
            lock = nil
            sharedWith = holder
        }
        self.path = path
        self.kind = kind
        if !force { try Self.checkOwned(path, kind: kind) }
        let marker = path + "/" + Self.markerName
        try AtomicFile.write(Data((kind.rawValue + "\n").utf8), to: marker)
        func modified(_ file: String) -> Date? { (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date }
        let opened = modified(marker) ?? Date()
        started = sharedWith == nil ? opened : min(opened, modified(path + "/.lock") ?? opened)
    }

    /// What to say at the start when another process holds the folder (`sharedWith`); nil when
    /// this process holds it.
    public var sharingNote: String? {
        sharedWith.map { holder in
            "\(path) is in use by process \(holder): sharing its runs (each run is trained once, by the process that takes it first; this one waits for the others' and continues any they let go of)"
        }
    }

    /// What to say while `claim` waits for process `holder`, every run being done.
    public func waitingNote(holder: String) -> String {
        "every run is done; waiting for process \(holder), which holds \(path), before writing the report"
    }

    /// Takes the folder's lock before the report is written, when another process held it at
    /// `init` (`sharedWith`); nothing when this process holds it. Waits as long as a process
    /// holds it (one writing the same report, or running the study beside this one), looking
    /// again at most a second apart (`Polling`), and calls `waiting` with the holder's id each
    /// time the holder changes. Throws `CancellationError` when the task is cancelled.
    public func claim(waiting: (String) -> Void) throws {
        var polling = Polling()
        var lastHolder: String?
        while lock == nil {
            do { lock = try FolderLock(path: path) } catch let CheckpointError.locked(_, holder) {
                if holder != lastHolder { waiting(holder) }
                lastHolder = holder
                try polling.pause()
            }
        }
    }

    /// Throws unless the folder at `path` is empty or MLPLab's report of `kind`.
    private static func checkOwned(_ path: String, kind: Kind) throws {
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0 != ".lock" && $0 != markerName && !RunFolder.isTemporaryName($0) }.sorted()
        if entries.isEmpty { return }
        let fix = "Choose another output.folder, or give output.force to write into it anyway (files of other names are left alone)."
        if let marker = FileManager.default.contents(atPath: path + "/" + markerName) {
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
