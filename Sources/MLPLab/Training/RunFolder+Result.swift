import Foundation

extension RunFolder {
    /// The run's result.json, checked against its own record (`RunResult.inconsistency`); nil
    /// when the folder has none. A file that does not decode or does not add up is an error
    /// naming it, not a finished run: its numbers go into reports and study tables.
    public func readResult() throws -> RunResult? {
        guard let result = try readJSON(RunResult.self, from: .result) else { return nil }
        if let problem = result.inconsistency {
            throw CheckpointError.damagedRunFile(path: path(of: .result), reason: problem)
        }
        return result
    }
}
