import Foundation

/// A run's folder on disk: where each file goes, the lock that keeps two trainings out, and
/// writing files so that none is ever half-written (temporary name, fsync, rename).
///
/// What the files mean is the training's and the report's business (`RunFiles`, in Training, is
/// the one reader of config.json, result.json, metrics.jsonl and the checkpoint); this type only
/// knows their names and writes them: `config.json`, `metrics.jsonl`, `checkpoint.safetensors` (after every epoch), and at
/// the end `model.safetensors`, `last.safetensors`, `result.json`, charts and `summary.md`.
/// The lock (`.lock`, held with flock for the life of the process, so a killed process frees it)
/// is taken when the value is made.
public final class RunFolder {
    /// The folder's path as given when opened; each file's path is this, "/" and the file's name.
    public let path: String
    private let lock: FolderLock
    /// Whether opening it made the folder (it did not exist before).
    private let createdFolder: Bool

    /// The files of a run folder.
    public enum File: String, CaseIterable, Sendable {
        case config = "config.json"
        case metrics = "metrics.jsonl"
        case checkpoint = "checkpoint.safetensors"
        case model = "model.safetensors"
        case lastModel = "last.safetensors"
        case result = "result.json"
        case summary = "summary.md"
        case lossChart = "loss.svg"
        case perClassChart = "per-class.svg"
        case confusionChart = "confusion.svg"
    }

    /// The path of `file` in this folder.
    public func path(of file: File) -> String { path + "/" + file.rawValue }

    /// Opens (creating if needed) the folder at `path` and takes its lock, waiting up to
    /// `patience` for a holder to let go (see `FolderLock.init(path:waitingUpTo:)`).
    public init(path: String, waitingUpTo patience: Duration = .zero) throws {
        createdFolder = !FileManager.default.fileExists(atPath: path)
        lock = try FolderLock(path: path, waitingUpTo: patience)
        self.path = path
        removeStaleTemporaries()
    }

    /// Removes the temporary files (`.<name>.tmp-<pid>`, see ``AtomicFile``) that writers killed
    /// mid-write left behind: those whose process no longer exists. Holding the lock, no other
    /// MLPLab process writes here; a live writer's file (another tool's) is left alone.
    func removeStaleTemporaries() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names {
            guard let pid = Self.temporaryWriter(name) else { continue }
            if pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH { continue }
            unlink(path + "/" + name)
        }
    }

    /// The process id in an ``AtomicFile`` temporary's name (`.<name>.tmp-<pid>`), nil for any
    /// other name.
    static func temporaryWriter(_ name: String) -> Int32? {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards),
              let pid = Int32(name[marker.upperBound...]), pid > 0 else { return nil }
        return pid
    }

    /// Whether `name` is an ``AtomicFile`` temporary (`.<name>.tmp-<pid>`).
    static func isTemporaryName(_ name: String) -> Bool { temporaryWriter(name) != nil }

    /// Checks, without making it, that a run folder can be made at `path`: makes the folder that
    /// will hold it (`run.directory`) and writes and removes a probe file there. A training calls
    /// this before reading its data, so a place it could never save to is one error at once,
    /// not after the load, and an interrupted load leaves no empty run folder.
    public static func checkCanCreate(_ path: String) throws {
        let directory = PathName.parent(of: path)
        let parent = directory.isEmpty ? "." : directory
        try Folder.create(parent)
        // The run's own name: a dangling link there is found now, not after the data is read.
        try Folder.checkNotDanglingLink(path)
        let probe = parent + "/.mlplab-probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Folder.error(creating: path, errno: errno) }
        close(descriptor)
        unlink(probe)
    }

    /// Removes the folder again when this value made it and no run started in it (it holds only
    /// its lock): a training that fails before its first file (a model too large for memory)
    /// leaves nothing behind.
    public func discardIfUnstarted() {
        guard createdFolder, (try? FileManager.default.contentsOfDirectory(atPath: path)) == [".lock"] else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `error`, about the contents of the model file at `path`, with a run's advice when the
    /// file is one a run wrote into its own folder (model.safetensors or last.safetensors beside
    /// a config.json): it was damaged there, so the fix is the run's (write it again from the
    /// checkpoint, or retrain), not a model file's ("copy it again"). Other errors and files
    /// are returned as they are.
    public static func asRunFileError(_ error: CheckpointError, path: String) -> CheckpointError {
        let folder = PathName.parent(of: path)
        let base = folder.isEmpty ? "." : folder
        // No model.safetensors and no result.json: the run has not finished, nothing is damaged.
        if case .unreadable = error, PathName.lastComponent(of: path) == File.model.rawValue,
           !FileManager.default.fileExists(atPath: path),
           FileManager.default.fileExists(atPath: base + "/" + File.config.rawValue),
           !FileManager.default.fileExists(atPath: base + "/" + File.result.rawValue) {
            return .unfinishedRun(path: folder)
        }
        guard let problem = error.problem,
              [File.model.rawValue, File.lastModel.rawValue].contains(PathName.lastComponent(of: path)),
              FileManager.default.fileExists(atPath: (folder.isEmpty ? "." : folder) + "/" + File.config.rawValue) else { return error }
        return .damagedRunFile(path: path, reason: problem)
    }

    /// Whether a run was started in this folder before (it has a config.json).
    public var hasRun: Bool { FileManager.default.fileExists(atPath: path(of: .config)) }

    /// Whether `file` exists.
    public func contains(_ file: File) -> Bool { FileManager.default.fileExists(atPath: path(of: file)) }

    /// Writes `data` as `file`, atomically.
    public func write(_ data: Data, to file: File) throws {
        let target = path(of: file)
        do { try AtomicFile.write(data, to: target) } catch let error as AtomicFileError {
            throw CheckpointError.cannotWrite(path: target, reason: error.reason)
        }
    }

    /// Writes `value` as `file` in MLPLab's JSON (``JSONCoding``), atomically.
    public func writeJSON<T: Encodable>(_ value: T, to file: File) throws {
        try write(try JSONCoding.encode(value), to: file)
    }

    /// Writes `values` as `file`, one JSON object a line (JSON Lines), atomically.
    public func writeJSONLines<T: Encodable>(_ values: [T], to file: File) throws {
        let lines = try values.map { try JSONCoding.string($0, pretty: false) + "\n" }.joined()
        try write(Data(lines.utf8), to: file)
    }

    /// "20261127-235901" plus a counter if needed: a new folder name under `directory`.
    public static func newName(in directory: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let base = formatter.string(from: Date())
        var name = base
        var counter = 2
        while FileManager.default.fileExists(atPath: "\(directory)/\(name)") {
            name = "\(base)-\(counter)"
            counter += 1
        }
        return name
    }
}
