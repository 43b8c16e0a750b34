import Foundation

/// A run as one JSON object, for `mlplab runs` as JSON (JSON Lines: one such object a line).
extension StoredRun {
    /// result.json's object, as stored, for a run that has one, with `name`, `path` and `status`
    /// added; for an unfinished run `record` (config.json), `epochs` (metrics.jsonl) and those
    /// three; for a damaged one the three, `problem`, and `record` when config.json is JSON.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["name": .text(name), "path": .text(path), "status": .text(status.rawValue)]
        switch status {
        case .finished, .stopped, .diverged:
            if case let .object(stored)? = storedResult { object.merge(stored) { listing, _ in listing } }
        case .running, .interrupted:
            object["record"] = storedConfiguration
            object["epochs"] = (try? JSONCoding.encode(epochs, pretty: false)).flatMap { try? JSONValue.read($0) } ?? .list([])
        case .damaged:
            object["problem"] = problem.map(JSONValue.text)
            object["record"] = storedConfiguration
        }
        return .object(object)
    }
}
