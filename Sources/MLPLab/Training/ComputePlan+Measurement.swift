import Foundation

/// Seconds of one layer's share of a training step, each choice of ``ComputePlan`` timed on this
/// machine: medians of alternating runs.
public struct LayerTimings: Codable, Equatable, Sendable {
    /// The step's products with the weight in one orientation.
    public struct Products: Codable, Equatable, Sendable {
        /// The forward x·Wᵀ with bias and activation.
        public var forward: Double
        /// The input gradient dz·W (every layer but the first has one).
        public var inputGradient: Double
        /// The weight gradient into the gradient buffer, and the bias gradient.
        public var weightGradient: Double
        /// The weight gradient folded into the weights (θ = θ − lr·∇), the bias gradient, and the
        /// two Gram products that give the fused gradient's norm.
        public var fusedUpdate: Double

        /// The products in training order, every value a time.
        public init(forward: Double, inputGradient: Double, weightGradient: Double, fusedUpdate: Double) {
            (self.forward, self.inputGradient, self.weightGradient, self.fusedUpdate) = (forward, inputGradient, weightGradient, fusedUpdate)
        }
    }

    /// With the weight stored `[in, out]`.
    public var inOut: Products
    /// With the weight stored `[out, in]`.
    public var outIn: Products
    /// Plain SGD's pass over the layer's weights (read θ and ∇, write θ), which a fused update saves.
    public var updatePass: Double

    /// Timings as measured (or, in tests, made up).
    public init(inOut: Products, outIn: Products, updatePass: Double) {
        (self.inOut, self.outIn, self.updatePass) = (inOut, outIn, updatePass)
    }

    /// The products in `orientation`.
    public func products(_ orientation: WeightOrientation) -> Products {
        orientation == .inOut ? inOut : outIn
    }

    /// Whether every time is a finite number of seconds, 0 or more (a damaged cache entry is not).
    var isValid: Bool {
        [inOut, outIn].allSatisfy { p in [p.forward, p.inputGradient, p.weightGradient, p.fusedUpdate].allSatisfy { $0.isFinite && $0 >= 0 } }
            && updatePass.isFinite && updatePass >= 0
    }

    /// The fastest way to run the layer: its orientation, and whether to fuse the update (only
    /// when `canFuse`). A layer without an input gradient (the first) does not count one. The
    /// standard choice (`[in, out]`, plain) is kept unless another is more than `margin`
    /// (2 %) faster, so that timings within noise of each other give the plan runs had before.
    public func choice(needsInputGradient: Bool, canFuse: Bool, margin: Double = 0.02) -> (orientation: WeightOrientation, fused: Bool) {
        var best = (orientation: WeightOrientation.inOut, fused: false)
        var bestTime = time(.inOut, fused: false, needsInputGradient: needsInputGradient)
        let threshold = bestTime * (1 - margin)
        for orientation in WeightOrientation.allCases {
            for fused in canFuse ? [false, true] : [false] where !(orientation == .inOut && !fused) {
                let candidate = time(orientation, fused: fused, needsInputGradient: needsInputGradient)
                if candidate < threshold && candidate < bestTime { (best, bestTime) = ((orientation, fused), candidate) }
            }
        }
        return best
    }

    /// The layer's step time with `orientation`, fused or plain.
    public func time(_ orientation: WeightOrientation, fused: Bool, needsInputGradient: Bool) -> Double {
        let p = products(orientation)
        return p.forward + (needsInputGradient ? p.inputGradient : 0) + (fused ? p.fusedUpdate : p.weightGradient + updatePass)
    }

    /// Times a layer of `inputSize` → `outputSize` in steps of `rows` rows, with `activation` after
    /// it (nil: the last layer), on the current thread count: each product once to warm up, then
    /// `repeats` rounds alternating the orientations, medians. Allocates the layer's weights and
    /// gradients once (two weight-sized buffers, freed on return).
    public static func measure(inputSize: Int, outputSize: Int, rows: Int, activation: Activation?, precision: Precision,
                               repeats: Int = 5) -> LayerTimings {
        let engine = MatMul(precision: precision)
        let threads = MatMul.threadCount
        let parameters = FloatBuffer(count: inputSize * outputSize + outputSize)
        let gradients = FloatBuffer(count: parameters.count)
        let x = FloatBuffer(count: rows * inputSize), dz = FloatBuffer(count: rows * outputSize)
        let y = FloatBuffer(count: rows * outputSize), dx = FloatBuffer(count: rows * inputSize)
        let gram = FloatBuffer(count: 2 * rows * rows)
        var generator = RandomGenerator(seed: 1, stream: .initialization)
        for buffer in [parameters, x, dz] {
            for i in 0..<buffer.count { buffer.base[i] = generator.nextFloat(in: -0.05, 0.05) }
        }
        let input = Matrix(x.base, rows: rows, columns: inputSize), outputGradient = Matrix(dz.base, rows: rows, columns: outputSize)
        let sgd = Optimizer(configuration: OptimizerConfiguration(learningRate: 0), parameterCount: parameters.count)
        let clock = ContinuousClock()
        func seconds(_ body: () -> Void) -> Double {
            let start = clock.now
            body()
            return (clock.now - start).seconds
        }
        var samples: [WeightOrientation: [[Double]]] = [.inOut: [], .outIn: []]
        var passes: [Double] = []
        for round in 0...max(repeats, 1) {
            for orientation in round % 2 == 0 ? [WeightOrientation.inOut, .outIn] : [.outIn, .inOut] {
                let layer = Linear(inputSize: inputSize, outputSize: outputSize, offset: 0, orientation: orientation)
                // lr 0: the fused product leaves the weights as they are, so every round times the same values.
                let update = WeightUpdate(destination: parameters.base, scale: 0, accumulate: 1)
                let times = [
                    seconds { layer.forward(input: input, parameters: parameters, output: Matrix(y.base, rows: rows, columns: outputSize),
                                            activation: activation, engine: engine) },
                    seconds { layer.inputGradient(outputGradient: outputGradient, parameters: parameters,
                                                  into: Matrix(dx.base, rows: rows, columns: inputSize), engine: engine) },
                    seconds { layer.backward(input: input, outputGradient: outputGradient, inputGradient: nil, parameters: parameters,
                                             gradients: gradients, engine: engine) },
                    seconds {
                        _ = layer.weightGradientSquaredNorm(input: input, outputGradient: outputGradient, scratch: gram.base, engine: engine)
                        layer.backward(input: input, outputGradient: outputGradient, inputGradient: nil, parameters: parameters,
                                       gradients: gradients, weightUpdate: update, engine: engine)
                    },
                ]
                if round > 0 { samples[orientation]!.append(times) }
            }
            let pass = seconds { sgd.step(parameters: parameters, gradients: gradients, threads: threads) }
            if round > 0 { passes.append(pass) }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func products(_ orientation: WeightOrientation) -> Products {
            let columns = (0..<4).map { column in median(samples[orientation]!.map { $0[column] }) }
            return Products(forward: columns[0], inputGradient: columns[1], weightGradient: columns[2], fusedUpdate: columns[3])
        }
        return LayerTimings(inOut: products(.inOut), outIn: products(.outIn), updatePass: median(passes))
    }
}

extension ComputePlan {
    /// The fastest plan on this machine for `model` trained with `training` (its threads,
    /// precision and optimizer) in steps of `rows` rows: per layer, the orientation and update
    /// whose measured time is lowest (`LayerTimings.choice`).
    ///
    /// A layer's timings are kept in `cacheDirectory`'s `compute-timings/timings.json`, keyed by
    /// the CPU, the engine, the thread count, the precision, the rows and the layer's shape, and
    /// measured only when missing, under the folder's lock (so two trainings starting together
    /// neither measure at once nor disagree): every run on the machine then gets the same plan.
    /// Measuring takes a fraction of a second for the assignment's network. When the cache
    /// cannot be used (no `cacheDirectory`, or it cannot be written), the plan is `standard`:
    /// one that repeats, rather than one measured anew each time.
    ///
    /// `processes`: the data-parallel processes that will train (1 alone). Several never fuse
    /// the update (each needs the gradient to sum), so their plan fuses nothing and chooses each
    /// orientation for the plain update.
    public static func measured(model: ModelConfiguration, training: TrainingConfiguration, rows: Int, processes: Int = 1,
                                cacheDirectory: String? = DatasetCache.defaultDirectory) -> ComputePlan {
        measuredReporting(model: model, training: training, rows: rows, processes: processes, cacheDirectory: cacheDirectory).plan
    }

    /// `measured(…)`, and why the plan is the standard one when a cache directory was given but
    /// its timings could not be kept there (nil otherwise): what a training notes.
    static func measuredReporting(model: ModelConfiguration, training: TrainingConfiguration, rows: Int, processes: Int = 1,
                                  cacheDirectory: String?) -> (plan: ComputePlan, problem: String?) {
        guard let cacheDirectory else { return (standard(model: model, rows: rows), nil) }
        let folder = cacheDirectory + "/compute-timings"
        let cantKeep = "the compute timings cannot be kept in '\(folder)'"
        // An empty name would put the timings at the filesystem's root.
        guard !cacheDirectory.isEmpty else { return (standard(model: model, rows: rows), "the compute timings are not kept: the cache folder's name is empty") }
        var cache: TimingCache
        do { cache = try TimingCache(directory: folder) } catch {
            let reason: String
            switch error as? CheckpointError {
            case let .cannotCreate(_, why, _)?, let .cannotWrite(_, why)?: reason = why
            default: reason = "\(error)"
            }
            return (standard(model: model, rows: rows), "\(cantKeep) (\(reason))")
        }
        MatMul.setThreadCount(training.threads)
        let precision = MatMul.resolve(training.precision).precision
        let sizes = model.layerSizes
        let canFuse = training.optimizer.algorithm == .sgd && training.optimizer.momentum == 0 && processes == 1
        var orientations: [WeightOrientation] = [], fused: [Bool] = []
        for (index, (inputSize, outputSize)) in zip(sizes, sizes.dropFirst()).enumerated() {
            let activation = index < sizes.count - 2 ? model.activation : nil
            let key = [CPUInfo.current().summary, MatMul.engineVersion, MatMul.instructionSet, "threads \(training.threads)",
                       precision.rawValue, "rows \(rows)", "\(inputSize)x\(outputSize)", activation?.rawValue ?? "no activation"]
                .joined(separator: " | ")
            let timings = cache.timings(for: key) {
                LayerTimings.measure(inputSize: inputSize, outputSize: outputSize, rows: rows, activation: activation, precision: precision)
            }
            let choice = timings.choice(needsInputGradient: index > 0, canFuse: canFuse)
            orientations.append(choice.orientation)
            fused.append(choice.fused)
        }
        // Timings that could not be kept (timings.json a folder, a full disk) would be measured
        // anew by the next run, which may then choose otherwise: the standard plan repeats.
        guard !cache.writeFailed else { return (standard(model: model, rows: rows), "\(cantKeep) (timings.json cannot be written)") }
        return (ComputePlan(weightOrientations: orientations, fusedUpdates: fused), nil)
    }
}

/// The measured timings of layers on this machine, one JSON file in a locked folder.
struct TimingCache {
    private let lock: FolderLock
    private let path: String
    private var entries: [String: LayerTimings]
    /// Whether a measurement could not be written to the file (so the next run measures again).
    private(set) var writeFailed = false

    /// Bumped when what is measured changes, so that older entries are measured again.
    static let version = 1

    /// The file: a list, not a dictionary, since snake-casing would rewrite dictionary keys.
    private struct File: Codable {
        var version: Int
        var layers: [Entry]
    }

    private struct Entry: Codable {
        var key: String
        var timings: LayerTimings
    }

    /// The file as read: an entry that does not decode (edited by hand, written by another
    /// version) is left out, so that only its layer is measured again, not every layer.
    private struct StoredFile: Decodable {
        var version: Int
        var layers: [StoredEntry]
    }

    private struct StoredEntry: Decodable {
        var entry: Entry?
        init(from decoder: any Decoder) throws { entry = try? Entry(from: decoder) }
    }

    /// Takes the folder's lock (waiting up to a minute for another process measuring) and reads
    /// the file; a missing, damaged or older file counts as empty, a damaged or invalid entry as
    /// missing. Throws when the folder cannot be created or locked.
    init(directory: String) throws {
        lock = try FolderLock(path: directory, waitingUpTo: .seconds(60))
        path = directory + "/timings.json"
        let bytes = (try? FileBytes.readIfPresent(path)) ?? nil
        let file = bytes.flatMap { try? JSONCoding.decode(StoredFile.self, from: Data($0)) }
        var entries: [String: LayerTimings] = [:]
        if let file, file.version == TimingCache.version {
            for case let entry? in file.layers.map(\.entry) where entry.timings.isValid { entries[entry.key] = entry.timings }
        }
        self.entries = entries
    }

    /// The stored timings under `key`, or `measure()`'s, stored first (a write that fails sets
    /// `writeFailed`: the next run would measure again).
    mutating func timings(for key: String, measure: () -> LayerTimings) -> LayerTimings {
        if let stored = entries[key] { return stored }
        let measured = measure()
        entries[key] = measured
        let file = File(version: TimingCache.version, layers: entries.keys.sorted().map { Entry(key: $0, timings: entries[$0]!) })
        do {
            try AtomicFile.write(try JSONCoding.encode(file, pretty: true), to: path)
        } catch {
            writeFailed = true
        }
        return measured
    }
}
