/// An event file that cannot be read or written. The run folder above says what it means for the
/// run (`TrainingEventLog` turns it into the run's `CheckpointError`).
public enum EventFileError: Error, Equatable, CustomStringConvertible {
    /// The file at `path` cannot be read: `reason` says why (missing, a folder, no permission).
    case cannotRead(path: String, reason: String)
    /// The file at `path` cannot be created or appended to: `reason` says why (disk full, …).
    case cannotWrite(path: String, reason: String)

    /// The message, with what to do.
    public var description: String {
        switch self {
        case let .cannotRead(path, reason):
            return "cannot read the event file '\(path)': \(reason). Check that it is a readable file, or move it away."
        case let .cannotWrite(path, reason):
            return "cannot write the event file '\(path)': \(reason). Free space or fix the folder's permissions, and run again."
        }
    }
}
