import CMPI
import Foundation

/// The processes of an MPI job, and the few collective operations MLPLab needs: the only type
/// that calls MPI (Open MPI, through Sources/CMPI).
///
/// Made once per process by ``start(_:piece:)``, and only when the launch asks for it (`Launch.usesMPI`):
/// a process started without a launcher never initializes MPI. Every operation is collective
/// (all ranks call it, in the same order) unless its comment says otherwise. MPI errors are
/// returned, not fatal, and thrown as ``DistributedError``. libmpi is opened (dlopen) by `start`
/// alone, so a process on its own never loads it.
///
/// MPI runs at `MPI_THREAD_SERIALIZED`: the calls may come from any thread (a Swift task moves
/// between them), one at a time.
public final class Communicator: @unchecked Sendable {
    /// This process's rank, 0 ..< size.
    public let rank: Int
    /// Processes in the job.
    public let size: Int
    /// How the launcher started this process (its node's share of the job).
    public let launch: Launch
    /// The most elements one MPI call carries: MPI counts are Int32, and a buffer may hold more
    /// (MLPLab's limits allow a layer of more than 2³¹ floats), so every operation here goes in
    /// pieces of at most this many. 2³⁰ unless `start` was given another; tests give a few, so
    /// that a small model's layers go in many pieces.
    public let piece: Int

    nonisolated(unsafe) private static var current: Communicator?
    nonisolated(unsafe) private static var started = false

    /// The job's communicator once `start` made it; nil in a process on its own.
    public static var shared: Communicator? { current }

    /// Initializes MPI when `launch` asks for it (`usesMPI`) and returns the communicator; nil
    /// (and no MPI call) otherwise. Calling it again returns the first result. `piece` (1 ...
    /// Int32.max) is the most elements one MPI call carries.
    public static func start(_ launch: Launch = .detect(), piece: Int = 1 << 30) throws -> Communicator? {
        precondition((1...Int(Int32.max)).contains(piece), "Communicator.start: a piece of \(piece) elements")
        if started { return current }
        started = true
        guard launch.usesMPI else { return nil }
        // Open MPI's nonblocking allreduce (libnbc) picks, by default, an algorithm that summed the
        // assignment's 115 MB gradient over 2 ranks in 145–180 ms, against 80–92 ms with the ring
        // (and 76–92 ms blocking; BENCHMARKS.md). The ring is also what the scaling model assumes.
        // A value the user set is kept.
        setenv("OMPI_MCA_coll_libnbc_iallreduce_algorithm", "1", 0)
        var reason = [CChar](repeating: 0, count: 512)
        guard mlplab_mpi_load(&reason, Int32(reason.count)) == 0 else {
            throw DistributedError.cannotLoad(reason: String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        var rank: Int32 = 0, size: Int32 = 0
        try check(mlplab_mpi_init(&rank, &size), "MPI_Init_thread")
        current = Communicator(rank: Int(rank), size: Int(size), launch: launch, piece: piece)
        return current
    }

    private init(rank: Int, size: Int, launch: Launch, piece: Int) {
        self.rank = rank
        self.size = size
        self.launch = launch
        self.piece = piece
    }

    /// Ends MPI; call once, when every rank is done (the tool does so before it exits).
    public func finish() {
        mlplab_mpi_finalize()
    }

    /// Ends the whole job now, every rank with `code`: for a rank that cannot go on alone.
    /// (Not collective.)
    public func abort(code: Int32) -> Never {
        mlplab_mpi_abort(code)
        exit(code)
    }

    // MARK: Collectives

    /// Waits until every rank has called it.
    public func barrier() throws {
        try Self.check(mlplab_mpi_barrier(), "MPI_Barrier")
    }

    /// Whether every rank passed `true`: how ranks agree that a step went well everywhere.
    public func all(_ value: Bool) throws -> Bool {
        try minimum([value ? 1 : 0])[0] == 1
    }

    /// The element-wise sum of every rank's `values` (the same count on each).
    public func sum(_ values: [Int64]) throws -> [Int64] { try reduce(values, MLPLAB_MPI_SUM) }

    /// The element-wise maximum of every rank's `values`.
    public func maximum(_ values: [Int64]) throws -> [Int64] { try reduce(values, MLPLAB_MPI_MAX) }

    /// The element-wise minimum of every rank's `values`.
    public func minimum(_ values: [Int64]) throws -> [Int64] { try reduce(values, MLPLAB_MPI_MIN) }

    /// The element-wise sum of every rank's `values`.
    public func sum(_ values: [Double]) throws -> [Double] {
        var result = values
        try result.withUnsafeMutableBufferPointer { buffer in
            try allreduce(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, type: MLPLAB_MPI_DOUBLE, op: MLPLAB_MPI_SUM)
        }
        return result
    }

    /// Replaces `buffer` with the element-wise sum of every rank's buffer (the same count on each).
    public func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try allreduce(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, type: MLPLAB_MPI_FLOAT, op: MLPLAB_MPI_SUM)
    }

    /// Replaces `buffer` with the element-wise sum of every rank's buffer, allocating nothing
    /// (the training step's loss and counts).
    public func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        try allreduce(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, type: MLPLAB_MPI_DOUBLE, op: MLPLAB_MPI_SUM)
    }

    /// Replaces `buffer` with the element-wise sum of every rank's buffer.
    public func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Int64>) throws {
        try allreduce(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, type: MLPLAB_MPI_INT64, op: MLPLAB_MPI_SUM)
    }

    /// Overwrites `buffer` on every rank with rank `root`'s (the same count on each).
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, from root: Int = 0) throws {
        guard let base = buffer.baseAddress else { return }
        try forEachPiece(of: buffer.count) { offset, count in
            try Self.check(mlplab_mpi_bcast(base + offset, count, MLPLAB_MPI_FLOAT, Int32(root)), "MPI_Bcast")
        }
    }

    /// `bytes` from rank `root`, on every rank (the other ranks' arguments are ignored).
    public func broadcast(_ bytes: [UInt8], from root: Int = 0) throws -> [UInt8] {
        var count = [Int64(bytes.count)]
        try count.withUnsafeMutableBufferPointer { buffer in
            try Self.check(mlplab_mpi_bcast(buffer.baseAddress, 1, MLPLAB_MPI_INT64, Int32(root)), "MPI_Bcast")
        }
        var data = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count[0]))
        try data.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try Self.check(mlplab_mpi_bcast(base, Int32(buffer.count), MLPLAB_MPI_BYTE, Int32(root)), "MPI_Bcast")
        }
        return data
    }

    /// The MPI calls (and nonblocking requests) `count` elements take: one a piece.
    public func pieces(_ count: Int) -> Int { (count + piece - 1) / piece }

    /// Starts summing `count` floats at `base` over every rank in place, without waiting, one
    /// request a piece (`pieces(count)` in all), stored in `requests` from index `started` on;
    /// `started` counts each request once it is started. The sum is there once `wait` has
    /// returned for those requests. `requests` must have room for them.
    func startSum(_ base: UnsafeMutablePointer<Float>, count: Int, requests: UnsafeMutableRawPointer, started: inout Int) throws {
        try forEachPiece(of: count) { offset, count in
            try Self.check(mlplab_mpi_iallreduce_sum_float(base + offset, count, requests, Int32(started)), "MPI_Iallreduce")
            started += 1
        }
    }

    /// Lets started requests move on (Open MPI advances nonblocking collectives only inside MPI
    /// calls) without waiting for them.
    func progress(_ requests: UnsafeMutableRawPointer, count: Int) throws {
        try Self.check(mlplab_mpi_testall(requests, Int32(count)), "MPI_Testall")
    }

    /// Waits for `count` started requests.
    func wait(_ requests: UnsafeMutableRawPointer, count: Int) throws {
        try Self.check(mlplab_mpi_waitall(requests, Int32(count)), "MPI_Waitall")
    }

    private func reduce(_ values: [Int64], _ op: mlplab_mpi_op) throws -> [Int64] {
        var result = values
        try result.withUnsafeMutableBufferPointer { buffer in
            try allreduce(UnsafeMutableRawPointer(buffer.baseAddress), count: buffer.count, type: MLPLAB_MPI_INT64, op: op)
        }
        return result
    }

    /// In-place allreduce of `count` elements at `base`, a piece at a time.
    private func allreduce(_ base: UnsafeMutableRawPointer?, count: Int, type: mlplab_mpi_type, op: mlplab_mpi_op) throws {
        guard let base, count > 0 else { return }
        let elementSize = Int(mlplab_mpi_type_size(type))
        try forEachPiece(of: count) { offset, count in
            try Self.check(mlplab_mpi_allreduce(base + offset * elementSize, count, type, op), "MPI_Allreduce")
        }
    }

    /// Calls `body` with the offset and count of each piece of `count` elements, in order: how
    /// every operation here keeps within MPI's Int32 counts (and `piece`).
    private func forEachPiece(of count: Int, _ body: (_ offset: Int, _ count: Int32) throws -> Void) rethrows {
        var offset = 0
        while offset < count {
            let n = min(piece, count - offset)
            try body(offset, Int32(n))
            offset += n
        }
    }

    static func check(_ code: Int32, _ call: String) throws {
        guard code != 0 else { return }  // MPI_SUCCESS
        var text = [CChar](repeating: 0, count: 512)
        mlplab_mpi_error_string(code, &text, Int32(text.count))
        throw DistributedError.mpi(call: call, reason: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

/// What can go wrong across ranks; each says what to do.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// An MPI call failed (a rank died, the network broke).
    case mpi(call: String, reason: String)
    /// Open MPI's library could not be opened (a launcher started the process, but libmpi is
    /// missing or another MPI's).
    case cannotLoad(reason: String)
    /// Another rank stopped with an error of its own (printed by that rank).
    case otherRankFailed
    /// The output folder is not one filesystem on every rank.
    case notShared(path: String, ranks: [Int])
    /// Data-parallel ranks hold different parameters after `epoch` (they must stay identical).
    case parametersDiffer(epoch: Int)
    /// Data-parallel ranks read different data (`fingerprints`, by rank).
    case dataDiffers(fingerprints: [String])

    /// The message, with the fix.
    public var description: String {
        switch self {
        case let .mpi(call, reason):
            return "\(call) failed: \(reason). Another rank may have died; finished runs and checkpoints are kept: run the same command again to continue."
        case let .cannotLoad(reason):
            return reason + "."
        case .otherRankFailed:
            return "another rank stopped with an error (its message is above); finished runs and checkpoints are kept: fix the cause and run the same command again."
        case let .notShared(path, ranks):
            return "'\(path)' is not the same folder on every rank (rank\(ranks.count == 1 ? "" : "s") \(ranks.map(String.init).joined(separator: ", ")) cannot see what rank 0 wrote there): put it on a filesystem all nodes share (NFS, Lustre, GPFS), or run on one node."
        case let .parametersDiffer(epoch):
            return "the ranks' parameters differ after epoch \(epoch), so their gradients no longer belong to one model (an MPI reduction that is not the same on every rank, or a rank with another build): the last checkpoint is kept; resume it in one process (run.resume RUN) to rule out MPI."
        case let .dataDiffers(fingerprints):
            return "the ranks read different data (fingerprints by rank: \(fingerprints.joined(separator: ", "))): every node must see the same images at the same path; copy the folder to every node or put it on a shared filesystem."
        }
    }
}

extension Communicator {
    /// Throws `DistributedError.notShared` on every rank unless `folder` (which rank 0 can write)
    /// is the same folder on every rank: rank 0 writes a file with a fresh token there, and every
    /// rank must read that token back. How a spread study or sweep makes sure its run folders,
    /// which any rank may train and every rank reads, are shared.
    public func checkShared(_ folder: String) throws {
        let name = "\(folder)/.mlplab-shared-check"
        var token = [UInt8]()
        if rank == 0 {
            token = Array("\(ProcessInfo.processInfo.globallyUniqueString)\n".utf8)
            try? AtomicFile.write(Data(token), to: name)
        }
        token = try broadcast(token)
        let seen = FileManager.default.contents(atPath: name).map { [UInt8]($0) == token } ?? false
        var flags = [Int64](repeating: 0, count: size)
        flags[rank] = seen ? 0 : 1
        let missing = try maximum(flags).enumerated().filter { $0.element != 0 }.map(\.offset)
        if rank == 0 { unlink(name) }
        if !missing.isEmpty { throw DistributedError.notShared(path: folder, ranks: missing) }
    }

    /// Runs `body` on rank 0 alone and makes every rank agree on how it went: rank 0 gets the
    /// value (or its error), the other ranks nil (or `DistributedError.otherRankFailed`).
    public func onLeader<T>(_ body: () throws -> T) throws -> T? {
        var outcome: Result<T, any Error>?
        if rank == 0 { outcome = Result { try body() } }
        let ok: Bool
        if case .failure = outcome { ok = false } else { ok = true }
        guard try all(ok) else {
            if case let .failure(error) = outcome { throw error }
            throw DistributedError.otherRankFailed
        }
        return try outcome?.get()
    }
}

extension Communicator {
    /// Every rank's `text`, in rank order, on every rank.
    public func gather(_ text: String) throws -> [String] {
        try (0..<size).map { root in String(decoding: try broadcast(Array(text.utf8), from: root), as: UTF8.self) }
    }

    /// Runs `body` on every rank and makes them agree on how it went: when it threw anywhere,
    /// every rank throws (its own error, or `DistributedError.otherRankFailed` where it did not
    /// throw), so that no rank goes on to a collective the others never reach.
    public func agreeing<T>(_ body: () throws -> T) throws -> T {
        let outcome = Result { try body() }
        let ok: Bool
        if case .failure = outcome { ok = false } else { ok = true }
        guard try all(ok) else {
            if case let .failure(error) = outcome { throw error }
            throw DistributedError.otherRankFailed
        }
        return try outcome.get()
    }

    /// Runs `body` on rank 0 alone and gives its value to every rank (sent as JSON); an error
    /// on rank 0 is thrown there and as `DistributedError.otherRankFailed` elsewhere.
    public func fromLeader<T: Codable>(_ body: () throws -> T) throws -> T {
        let value = try onLeader(body)
        let bytes = try broadcast(rank == 0 ? [UInt8](try JSONCoding.encode(Shared(value: value!), pretty: false)) : [])
        if let value { return value }
        return try JSONCoding.decode(Shared<T>.self, from: Data(bytes)).value
    }

    private struct Shared<T: Codable>: Codable { var value: T }
}

/// The forms of `agreeing` and `fromLeader` that also serve a process alone (no communicator):
/// `body` then just runs.
extension Optional where Wrapped == Communicator {
    /// `Communicator.agreeing`, or `body()` alone.
    public func agreeing<T>(_ body: () throws -> T) throws -> T {
        guard let communicator = self else { return try body() }
        return try communicator.agreeing(body)
    }

    /// `Communicator.fromLeader`, or `body()` alone.
    public func fromLeader<T: Codable>(_ body: () throws -> T) throws -> T {
        guard let communicator = self else { return try body() }
        return try communicator.fromLeader(body)
    }
}
