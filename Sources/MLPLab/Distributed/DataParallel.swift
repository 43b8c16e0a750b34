import CMPI
import Foundation

/// One training shared by the ranks of an MPI job, each computing part of every batch
/// (`mpirun -np N mlplab train`), as PyTorch's DistributedDataParallel and Horovod do:
///
/// - every rank holds the whole model and the same data, and draws the same initialization,
///   splits and shuffle from the same seed;
/// - each batch (the global `training.batch_size`) is cut into one contiguous share per rank, in rank
///   order, the shares differing by at most one row (`share(of:rank:size:)`);
/// - each rank backpropagates its share with the loss scaled by the global batch, so the sum of
///   the ranks' gradients is the whole batch's gradient; the sum is taken layer by layer, each
///   layer's nonblocking allreduce started as soon as the backward has written it
///   (`gradientsReady`), while the backward goes on below it, in pieces of at most
///   `Communicator.piece` floats (MPI counts are Int32; a layer may hold more than 2³¹);
/// - every rank then applies the same SGD step to the same summed gradient, so the parameters
///   stay identical (checked at each epoch's end, `checkIdentical`).
///
/// The training step allocates nothing here: the requests and the step's sums are made once.
public final class DataParallel: LayerGradientObserver {
    /// The job's ranks (more than one).
    public let communicator: Communicator
    /// One MPI request per piece of every layer's gradient (opaque: MPI's type stays in
    /// Sources/CMPI).
    private let requests: UnsafeMutableRawPointer
    /// Requests in `requests`: `Communicator.pieces` of each layer's parameters, summed.
    private let requestCount: Int
    /// Requests started in this step.
    private var started = 0
    /// The first MPI error of the step's exchanges, thrown by `finishSums`.
    private var failure: (any Error)?
    /// The step's loss sum, correct count and stop flag, summed in place.
    private let scalars: UnsafeMutablePointer<Double>

    /// A share of trainings over `communicator`'s ranks for a model of shape `model`.
    public init(communicator: Communicator, model: ModelConfiguration) {
        self.communicator = communicator
        requestCount = MLP.layout(model).reduce(0) { $0 + communicator.pieces($1.parameterCount) }
        precondition(requestCount <= Int(Int32.max), "DataParallel: \(requestCount) requests")
        requests = mlplab_mpi_requests_create(Int32(requestCount))
        scalars = .allocate(capacity: 3)
        scalars.initialize(repeating: 0, count: 3)
    }

    deinit {
        mlplab_mpi_requests_free(requests)
        scalars.deallocate()
    }

    /// This process's rank.
    public var rank: Int { communicator.rank }
    /// Ranks sharing the training.
    public var size: Int { communicator.size }

    /// The rows of a batch of `rows` that rank `rank` of `size` computes: contiguous, in rank
    /// order, covering the batch once; shares differ by at most one row, the first `rows % size`
    /// ranks taking one more. Empty when the batch has fewer rows than there are ranks.
    public static func share(of rows: Int, rank: Int, size: Int) -> Range<Int> {
        precondition(size >= 1 && (0..<size).contains(rank) && rows >= 0, "DataParallel.share: rank \(rank) of \(size), \(rows) rows")
        let base = rows / size, extra = rows % size
        let lower = rank * base + min(rank, extra)
        return lower..<(lower + base + (rank < extra ? 1 : 0))
    }

    /// This rank's rows of a batch of `rows`.
    public func share(of rows: Int) -> Range<Int> { Self.share(of: rows, rank: rank, size: size) }

    // MARK: The step

    /// Starts summing layer `layer`'s gradients (its weights and bias, adjacent at `range` of
    /// `gradients`) over the ranks, a request a piece, and lets the requests started before
    /// them progress. Called by `MLP.backward` for the last layer first; every rank must call it
    /// for every layer in that order (a rank with no rows in the batch too, with zero gradients).
    public func gradientsReady(layer: Int, range: Range<Int>, gradients: FloatBuffer) {
        guard failure == nil else { return }
        precondition(started + communicator.pieces(range.count) <= requestCount, "DataParallel: more gradients than the model has")
        do {
            try communicator.startSum(gradients.base + range.lowerBound, count: range.count, requests: requests, started: &started)
            try communicator.progress(requests, count: started)
        } catch {
            failure = error
        }
    }

    /// Waits until every layer's gradient is summed over the ranks. Throws the first MPI error
    /// of the step's exchanges.
    public func finishSums() throws {
        defer { started = 0 }
        if let failure {
            self.failure = nil
            throw failure
        }
        try communicator.wait(requests, count: started)
    }

    /// The step's loss summed over its rows, its correct predictions and whether this rank is
    /// asked to stop, each summed over the ranks: the whole batch's, the same on every rank
    /// (`stop` is true everywhere when any rank was asked to stop, so all stop at the same step).
    public func sumStep(lossSum: Double, correct: Int, stop: Bool) throws -> (lossSum: Double, correct: Int, stop: Bool) {
        scalars[0] = lossSum
        scalars[1] = Double(correct)
        scalars[2] = stop ? 1 : 0
        try communicator.sumInPlace(UnsafeMutableBufferPointer(start: scalars, count: 3))
        return (scalars[0], Int(scalars[1]), scalars[2] > 0)
    }

    // MARK: Epochs

    /// A checksum of `parameters`' bits: equal on two ranks when their parameters are (to one
    /// chance in 2⁶⁴ otherwise).
    public static func checksum(_ parameters: FloatBuffer) -> UInt64 {
        var sum: UInt64 = 0, mixed: UInt64 = 0
        let bits = UnsafeRawPointer(parameters.base).assumingMemoryBound(to: UInt32.self)
        for i in 0..<parameters.count {
            let value = UInt64(bits[i])
            sum &+= value
            mixed &+= value &* (UInt64(i) &* 2 &+ 1)
        }
        return sum ^ (mixed &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Throws `DistributedError.parametersDiffer` on every rank unless all ranks hold the same
    /// parameters after `epoch`.
    public func checkIdentical(_ parameters: FloatBuffer, epoch: Int) throws {
        let mine = Int64(bitPattern: Self.checksum(parameters))
        let low = try communicator.minimum([mine])[0], high = try communicator.maximum([mine])[0]
        if low != high { throw DistributedError.parametersDiffer(epoch: epoch) }
    }

    /// `evaluation` of this rank's share of some samples, with the other ranks' added: the
    /// evaluation of all of them (`count` samples in all).
    public func sum(_ evaluation: Evaluation, count: Int) throws -> Evaluation {
        let classes = evaluation.confusion.count
        var counts = evaluation.confusion.flatMap { $0.map(Int64.init) }
        try counts.withUnsafeMutableBufferPointer { try communicator.sumInPlace($0) }
        let lossSum = try communicator.sum([evaluation.loss * Double(evaluation.total.reduce(0, +))])[0]
        let confusion = (0..<classes).map { row in counts[(row * classes)..<((row + 1) * classes)].map { Int($0) } }
        return Evaluation(confusion: confusion, loss: lossSum / Double(max(count, 1)))
    }

    /// Throws `DistributedError.dataDiffers` on every rank unless every rank read the same data
    /// (`Dataset.fingerprint`): a node with another copy of the images would train another model.
    public static func checkSameData(_ dataset: Dataset, communicator: Communicator) throws {
        let fingerprints = try communicator.gather(dataset.fingerprint)
        if Set(fingerprints).count > 1 { throw DistributedError.dataDiffers(fingerprints: fingerprints) }
    }
}
