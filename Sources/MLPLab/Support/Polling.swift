import Foundation

/// Waiting for what another process does (a run finished, a lock let go) by looking again and
/// again: 50 ms after the first look, then twice as long each time, up to `longestInterval`.
/// Cancelling the task ends a pause with `CancellationError` within 50 ms, so that Ctrl-C stops a
/// wait as it stops a training.
public struct Polling {
    /// The longest interval between two looks. A look at a folder's lock opens it and tries it,
    /// which on a shared filesystem is a request to its server; a run lasts seconds to hours.
    public static let longestInterval: Duration = .seconds(1)
    private var interval: Duration = .milliseconds(50)

    /// A wait whose first pause is 50 ms.
    public init() {}

    /// Sleeps until the next look, then doubles the interval (up to `longestInterval`). Throws
    /// `CancellationError` once the task is cancelled.
    public mutating func pause() throws {
        let clock = ContinuousClock()
        let end = clock.now + interval
        interval = min(interval * 2, Self.longestInterval)
        while clock.now < end {
            if Task.isCancelled { throw CancellationError() }
            usleep(useconds_t(max(1, min(50_000, (end - clock.now).seconds * 1e6))))
        }
        if Task.isCancelled { throw CancellationError() }
    }
}
