/// Where a run folder's training stands, as `mlplab runs` reads it from the folder's files and lock.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// result.json is there: every epoch asked for trained, without a divergence.
    case finished
    /// result.json is there and says early stopping (`patience`) ended the training.
    case stopped
    /// result.json is there and records a divergence (the loss stopped being finite or exploded).
    case diverged
    /// No result.json, and a live process holds the folder's `.lock`: a training is writing it now.
    case running
    /// No result.json and no process holds the lock: killed or stopped; resuming it (`run.resume`) continues it.
    case interrupted
    /// config.json, result.json or metrics.jsonl cannot be read or does not add up.
    case damaged
}
