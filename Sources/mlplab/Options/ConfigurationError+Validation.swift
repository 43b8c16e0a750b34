import ArgumentParser
import MLPLab

/// The library's configuration checks as the command line's usage errors (exit 64): one rule
/// for a value typed here, read from a run folder or set from Swift.
func checked(_ body: () throws -> Void) throws {
    do { try body() } catch let error as ConfigurationError {
        throw ValidationError(error.description(renaming: FlagNames.names))
    }
}
