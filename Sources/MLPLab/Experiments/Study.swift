import Foundation

/// What a study runs: the assignment's parts as grids of trainings around a baseline.
public struct StudyConfiguration: Codable, Equatable, Sendable {
    /// The assignment's grids at three sizes: how much data, how many epochs, how many fine points.
    public enum Preset: String, Codable, Sendable, CaseIterable {
        /// Parts 3–11 on a stratified subset of the training data (16,000 images), the assignment's
        /// coarse learning-rate grid with shorter fine grids; Part 12 on all of it.
        case standard
        /// The assignment's exact grids (9 + 9 fine learning rates) on all the training data.
        case assignment
        /// A few thousand images and a few epochs, to see the whole study in about a minute.
        case quick
    }

    /// The preset the settings below came from; changing it later changes none of them.
    public var preset: Preset
    /// The data and its split; `trainLimit` here applies to Parts 3–11.
    public var data: DataConfiguration
    /// Hidden widths of every run's model; nil gives ``ModelConfiguration``'s default (¾, ½, ¼ of the
    /// input).
    public var hiddenSizes: [Int]?
    /// Every run's seed; Part 3's three runs use it and the two after it. 1 by default, fixed so
    /// that a study repeats.
    public var seed: UInt64 = 1
    /// Threads of every run's products; results are bit-identical for one count.
    public var threads: Int
    /// Epochs of every part's runs, of Part 9, and of Part 12.
    public var epochs: Int
    /// Epochs of Part 9's longer training (twice `epochs` in every preset).
    public var longEpochs: Int
    /// Epochs of Part 12, which early stopping may cut short (40 in `.standard` and `.assignment`).
    public var beyondEpochs: Int
    /// Training images for Part 12 (nil: all).
    public var beyondTrainLimit: Int?
    /// The coarse learning-rate grid (Part 6a).
    public var coarseLearningRates: [Double]
    /// Points of the fine grid between the best coarse rate and its better neighbour (the
    /// assignment: 9).
    public var finePoints: Int
    /// Points of the finer grid around the best fine rate (the assignment: 9).
    public var finerPoints: Int

    /// The settings `preset` gives for `data`: epochs, grid sizes and training subsets. A
    /// `trainLimit` already set in `data` is kept; `hiddenSizes` nil gives the default widths.
    public init(preset: Preset, data: DataConfiguration, hiddenSizes: [Int]? = nil, seed: UInt64 = 1, threads: Int) {
        self.preset = preset
        self.data = data
        self.hiddenSizes = hiddenSizes
        self.seed = seed
        self.threads = threads
        coarseLearningRates = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128]
        switch preset {
        case .standard:
            epochs = 10; longEpochs = 20; beyondEpochs = 40
            if self.data.trainLimit == nil { self.data.trainLimit = 16_000 }
            beyondTrainLimit = nil
            finePoints = 3; finerPoints = 2
        case .assignment:
            epochs = 10; longEpochs = 20; beyondEpochs = 40
            beyondTrainLimit = self.data.trainLimit
            finePoints = 9; finerPoints = 9
        case .quick:
            epochs = 3; longEpochs = 6; beyondEpochs = 8
            if self.data.trainLimit == nil { self.data.trainLimit = 3000 }
            beyondTrainLimit = self.data.trainLimit
            finePoints = 2; finerPoints = 1
        }
    }

    /// Trains every part on all the training data, not the preset's subset (the tool's full study).
    public mutating func useAllTrainingData() {
        data.trainLimit = nil
        beyondTrainLimit = nil
    }

    /// Throws ``ConfigurationError`` for data or run settings no training accepts, and for a study
    /// without a validation split: every choice is made on validation, never on test.
    public func validate() throws {
        try data.validate()
        guard data.validationFraction > 0 else {
            throw ConfigurationError(setting: "data.validation_fraction", value: data.validationFraction, rule: "must be above 0 for a study",
                                     fix: "its choices are made on the validation split; 0.1 holds out a tenth")
        }
        var training = TrainingConfiguration()
        training.seed = seed
        training.threads = threads
        try training.validate()
        if let hiddenSizes { try ModelConfiguration(inputSize: 1, hiddenSizes: hiddenSizes, classCount: 1).validate() }
    }

    /// The number of trainings the study runs (some may be reused from an earlier study).
    public var plannedRuns: Int {
        // 3 seeds without normalization, baseline, zero init, coarse + fine + finer + lr 0.2,
        // 4 batch runs, 3 momenta, 20 epochs, 2 activations, 2 weight decays, 4 additions and 2 long runs.
        3 + 1 + 1 + coarseLearningRates.count + finePoints + finerPoints + 1 + 4 + 3 + 1 + 2 + 2 + Study.beyondRunCount
    }
}

/// One training of the study and what it measured.
public struct StudyRun: Codable, Sendable {
    /// "lr 0.016", "momentum 0.9", …
    public var label: String
    /// What the training measured.
    public var result: RunResult
}

/// Runs the assignment's study on a data set: every part's trainings, each in its own run folder
/// under `<output>/runs/`, named by a hash of its configuration and data, so that running the
/// study again reuses finished runs and continues an interrupted one.
public final class Study {
    /// The data every run trains on.
    public let dataset: Dataset
    /// What the study runs.
    public let configuration: StudyConfiguration
    /// The folder that holds one run folder per training, e.g. "<output>/runs".
    public let runsDirectory: String

    /// The run folders the study trains in, and how: set its `communicator`, `reusedBefore`,
    /// `reportOptions`, `cacheDirectory` and observers (`onRunStart`, `onBatch`, `onSharing`;
    /// ``RunProgress/observe(_:say:batch:)`` sets all three) before `run()`.
    public let store: RunStore

    /// A study of `dataset`; nothing is trained or written until `run()`.
    public init(dataset: Dataset, configuration: StudyConfiguration, runsDirectory: String) {
        self.dataset = dataset
        self.configuration = configuration
        self.runsDirectory = runsDirectory
        store = RunStore(directory: runsDirectory, dataset: dataset, data: configuration.data)
    }

    /// The baseline of every part: the assignment's SGD lr 0.01, batch 64, ReLU, torch init, ÷255.
    func baseline() -> (ModelConfiguration, TrainingConfiguration) {
        var training = TrainingConfiguration()
        training.epochs = configuration.epochs
        training.seed = configuration.seed
        training.threads = configuration.threads
        let model = ModelConfiguration(inputSize: dataset.featureCount, hiddenSizes: configuration.hiddenSizes,
                                       classCount: dataset.classCount)
        return (model, training)
    }

    /// The validation accuracy a run is judged by (its best epoch; a diverged run before it diverged).
    /// A run diverged before its first epoch ended has no validation accuracy and scores 0: the
    /// test split is never used to choose.
    static func score(_ run: StudyRun) -> Double { run.result.bestValidationAccuracy ?? 0 }

    static func best(_ runs: [StudyRun]) -> StudyRun {
        runs.max { score($0) < score($1) }!
    }

    // MARK: the study

    /// Trains every part's runs and returns them under their names, with the learning rate and
    /// momentum chosen on validation.
    ///
    /// The runs go in five stages, each holding the runs that depend only on earlier stages'
    /// choices: (1) Parts 3–5, the coarse rates and lr 0.2; (2) the fine rates; (3) the finer
    /// rates; (4) Parts 7 and 8 at the chosen rate; (5) Parts 9–12 at the chosen rate and
    /// momentum. A stage's runs go longest first, shared with any other process that runs the
    /// study on the same folder, or spread over the ranks of a `communicator` (`RunStore.runAll`).
    public func run() throws -> StudyResult {
        let clock = ContinuousClock()
        let start = clock.now
        let (baseModel, baseTraining) = baseline()
        func request(_ label: String, model: ModelConfiguration = baseModel, _ change: (inout TrainingConfiguration) -> Void)
            -> RunStore.Request {
            var training = baseTraining
            change(&training)
            return RunStore.Request(label, model: model, training: training)
        }
        func lrRequest(_ lr: Double) -> RunStore.Request {
            request("lr \(Format.trimmed(lr))") { $0.optimizer.learningRate = lr }
        }

        // Stage 1. Part 3: raw pixels, three seeds. Part 4: ÷255. Part 5: zero initialization.
        // Part 6: the coarse learning rates and the large extreme.
        var zeroModel = baseModel
        zeroModel.initialization = .zero
        let rawRequests = (0..<3).map { offset in
            request("raw seed \(configuration.seed + UInt64(offset))") {
                $0.inputScaling = .raw
                $0.seed = configuration.seed + UInt64(offset)
            }
        }
        let coarseRates = configuration.coarseLearningRates
        let first = try store.runAll(rawRequests + [request("baseline") { _ in }, request("zero init", model: zeroModel) { _ in }]
                                     + coarseRates.map(lrRequest) + [lrRequest(0.2)])
        let withoutNormalization = Array(first[0..<3])
        let withNormalization = first[3], zeroInitialization = first[4]
        let coarse = Array(first[5..<(5 + coarseRates.count)])
        let large = first[5 + coarseRates.count]

        // Stages 2 and 3: fine, then finer rates around the best so far.
        let bestCoarse = Study.best(coarse)
        let fineGrid = Study.fineGrid(around: bestCoarse, in: coarse, points: configuration.finePoints)
        let fine = try store.runAll(fineGrid.map(lrRequest))
        let bestFine = Study.best(coarse + fine)
        let finerGrid = Study.finerGrid(around: bestFine.result.record.training.optimizer.learningRate, grid: fineGrid,
                                        points: configuration.finerPoints)
        let finer = try store.runAll(finerGrid.map(lrRequest))
        let bestLR = Study.best(coarse + fine + finer)
        let learningRate = bestLR.result.record.training.optimizer.learningRate
        let learningRatePart = StudyResult.LearningRatePart(coarse: coarse, fine: fine, finer: finer, small: coarse[0],
                                                            large: large, best: bestLR)

        // Stage 4. Part 7: batch size, at the chosen rate and at two fixed rates. Part 8: momentum.
        func batchRequest(_ batch: Int, _ lr: Double) -> RunStore.Request {
            request("batch \(batch) lr \(Format.trimmed(lr))") {
                $0.batchSize = batch
                $0.optimizer.learningRate = lr
            }
        }
        let momenta = [0.5, 0.9, 0.98]
        let fourth = try store.runAll([batchRequest(32, learningRate), batchRequest(128, learningRate), batchRequest(128, 0.1),
                                       batchRequest(128, 0.01)]
                                      + momenta.map { momentum in
                                          request("lr \(Format.trimmed(learningRate)) momentum \(momentum)") {
                                              $0.optimizer.learningRate = learningRate
                                              $0.optimizer.momentum = momentum
                                          }
                                      })
        let batchSize = StudyResult.BatchSizePart(batch32: fourth[0], batch128: fourth[1], batch128HighRate: fourth[2],
                                                  batch128LowRate: fourth[3], baseline: bestLR)
        let momentumRuns = Array(fourth[4...])
        let finiteMomentum = momentumRuns.filter { $0.result.divergence == nil }
        let bestMomentumRun = finiteMomentum.isEmpty ? nil : Study.best(finiteMomentum)
        let momentum = bestMomentumRun.map { Study.score($0) > Study.score(bestLR) ? $0.result.record.training.optimizer.momentum : 0 } ?? 0
        let momentumPart = StudyResult.MomentumPart(runs: momentumRuns, without: bestLR, chosen: momentum)

        // The best configuration so far.
        var best = baseTraining
        best.optimizer.learningRate = learningRate
        best.optimizer.momentum = momentum
        let bestSoFar = momentum == 0 ? bestLR : momentumRuns.first { $0.result.record.training.optimizer.momentum == momentum }!

        // Stage 5. Part 9: more epochs. Part 10: activations. Part 11: weight decay. Part 12,
        // beyond the assignment: a flip, dropout and AdamW each added to the best configuration
        // as the parts train it; then two long trainings on Part 12's data (the chosen rate and
        // momentum as they are, a rate chosen without momentum being too large with it, plus a
        // little weight decay, a cosine schedule and early stopping; and AdamW with the flip and
        // dropout), and their soft vote.
        var long = best
        long.epochs = configuration.longEpochs
        func activationRequest(_ activation: Activation) -> RunStore.Request {
            var model = baseModel
            model.activation = activation
            return RunStore.Request(activation.rawValue, model: model, training: best)
        }
        func decayRequest(_ decay: Double) -> RunStore.Request {
            var training = best
            training.optimizer.weightDecay = decay
            return RunStore.Request("weight decay \(decay)", model: baseModel, training: training)
        }
        let additions = Study.additions(to: best).map { RunStore.Request($0.label, model: baseModel, training: $0.training) }
        let longRuns = longCandidates(from: best).map {
            RunStore.Request($0.label, model: baseModel, training: $0.training, trainLimit: .some(configuration.beyondTrainLimit))
        }
        let fifth = try store.runAll([RunStore.Request("\(configuration.longEpochs) epochs", model: baseModel, training: long),
                                      activationRequest(.tanh), activationRequest(.leakyReLU), decayRequest(0.1), decayRequest(0.01)]
                                     + additions + longRuns)
        let epochs = StudyResult.EpochsPart(long: fifth[0], short: bestSoFar)
        let activation = StudyResult.ActivationPart(tanh: fifth[1], leakyRelu: fifth[2], relu: bestSoFar)
        let weightDecay = StudyResult.WeightDecayPart(strong: fifth[3], weak: fifth[4], without: bestSoFar)
        let beyondPart = try beyond(additions: Array(fifth[5..<(5 + additions.count)]), without: bestSoFar,
                                    runs: Array(fifth[(5 + additions.count)...]))

        let split = try DatasetSplit.make(for: dataset, data: configuration.data, seed: configuration.seed)
        return StudyResult(configuration: configuration, dataName: dataset.name, classNames: dataset.classNames,
                           imageWidth: dataset.imageWidth, imageHeight: dataset.imageHeight,
                           splitSizes: split.sizes,
                           withoutNormalization: withoutNormalization, withNormalization: withNormalization,
                           zeroInitialization: zeroInitialization, learningRate: learningRatePart, batchSize: batchSize,
                           momentum: momentumPart, epochs: epochs, activation: activation, weightDecay: weightDecay,
                           beyond: beyondPart, choices: .init(learningRate: learningRate, momentum: momentum),
                           machine: CPUInfo.current().summary,
                           engine: "\(MatMul.engineVersion) (\(MatMul.instructionSet)), \(configuration.threads) threads\(store.communicator.map { " × \($0.size) processes" } ?? "")",
                           seconds: (clock.now - start).seconds, runsTrained: store.trained, runsReused: store.reused)
    }

    // MARK: Part 12

    /// Part 12's trainings: the additions, then the long runs.
    static let beyondRunCount = 6

    /// What Part 12 adds to `best` (the chosen rate and momentum), one thing at a time, trained
    /// as Parts 9–11 train: a horizontal flip of half the training images (torchvision's
    /// RandomHorizontalFlip); dropout 0.2 after every hidden layer (nn.Dropout); AdamW at torch's
    /// lr 0.001 with weight decay 0.05 in place of SGD; and AdamW with the flip and dropout.
    static func additions(to best: TrainingConfiguration) -> [(label: String, training: TrainingConfiguration)] {
        var flip = best
        flip.augment = Augmentation(flip: true)
        var dropout = best
        dropout.dropout = [0.2]
        var adamW = best
        adamW.optimizer = .adam(learningRate: 0.001, weightDecay: 0.05, decoupled: true)
        var all = adamW
        all.augment = flip.augment
        all.dropout = dropout.dropout
        return [("flip", flip), ("dropout 0.2", dropout), ("adamw", adamW), ("adamw flip dropout 0.2", all)]
    }

    /// Part 12's long trainings over `beyondEpochs` with a cosine schedule and early stopping:
    /// `best` with weight decay 5e-4, and AdamW with the flip and dropout of `additions(to:)` as
    /// regularization for the longer training. They learn differently, so their vote may beat
    /// both (measured, not assumed: `beyond(additions:without:runs:)` keeps the vote only if it does).
    func longCandidates(from best: TrainingConfiguration) -> [(label: String, training: TrainingConfiguration)] {
        var sgd = best
        sgd.optimizer.weightDecay = 5e-4
        sgd.schedule = .cosine
        sgd.epochs = configuration.beyondEpochs
        sgd.patience = max(3, configuration.beyondEpochs / 4)
        let adamW = Study.additions(to: sgd).last!.training
        let candidates = [("beyond cosine", sgd), ("beyond adamw flip dropout 0.2", adamW)]
        assert(candidates.count + Study.additions(to: best).count == Study.beyondRunCount)
        return candidates
    }

    /// Part 12 from its runs: `additions` (as `additions(to:)` lists them) beside `without`, the
    /// best run so far, and the long `runs`. The kept models (model.safetensors) of the long runs
    /// that did not diverge are candidates for a soft vote (``Ensemble``): its members are
    /// chosen on the validation split of Part 12's data by forward selection
    /// (`Ensemble.select`), and it is scored on validation and test. The choice is the best on
    /// validation of the long runs and the vote; a run wins a tie, one model being simpler than several.
    func beyond(additions: [StudyRun], without: StudyRun, runs: [StudyRun]) throws -> StudyResult.BeyondPart {
        let bestRun = Study.best(runs)
        let voters = runs.filter { $0.result.divergence == nil && $0.result.runFolder != nil }
        guard voters.count >= 2 else {
            return StudyResult.BeyondPart(additions: additions, without: without, runs: runs, vote: nil, selection: [], chosen: bestRun.label)
        }
        var data = configuration.data
        data.trainLimit = configuration.beyondTrainLimit
        let split = try DatasetSplit.make(for: dataset, data: data, seed: configuration.seed)
        let candidates = try voters.map { try Classifier(contentsOf: $0.result.runFolder!, threads: configuration.threads) }
        let steps = try Ensemble.select(from: candidates, on: split.validation, of: dataset)
        var vote: StudyResult.EnsembleOutcome?
        if steps.count >= 2 {
            let ensemble = try Ensemble(steps.map { candidates[$0.candidate] })
            vote = StudyResult.EnsembleOutcome(members: steps.map { voters[$0.candidate].label },
                                               validation: try ensemble.evaluate(split.validation, of: dataset),
                                               test: try ensemble.evaluate(split.test, of: dataset))
        }
        let chosen = vote.map { $0.validationAccuracy > Study.score(bestRun) } == true ? StudyResult.EnsembleOutcome.label : bestRun.label
        return StudyResult.BeyondPart(additions: additions, without: without, runs: runs, vote: vote,
                                      selection: steps.map(\.accuracy), chosen: chosen)
    }

    // MARK: grids

    /// Points strictly between the best coarse rate and its better neighbour (the assignment:
    /// 0.032…0.064 in steps of 0.004 when 0.032 and 0.064 were best), ends included when 9 points.
    static func fineGrid(around best: StudyRun, in coarse: [StudyRun], points: Int) -> [Double] {
        guard points > 0, let index = coarse.firstIndex(where: { $0.label == best.label }) else { return [] }
        let neighbours = [index - 1, index + 1].filter { coarse.indices.contains($0) }
        guard let other = neighbours.max(by: { score(coarse[$0]) < score(coarse[$1]) }) else { return [] }
        let a = coarse[min(index, other)].result.record.training.optimizer.learningRate
        let b = coarse[max(index, other)].result.record.training.optimizer.learningRate
        let includeEnds = points >= 9
        let steps = includeEnds ? points - 1 : points + 1
        let values = (0...steps).map { a + (b - a) * Double($0) / Double(steps) }
        return (includeEnds ? values : Array(values.dropFirst().dropLast())).map(round3)
    }

    /// Points around the best fine rate. The assignment (9 points): one fine step to each side in
    /// quarter steps (best 0.056 in steps of 0.004 → 0.052, 0.053, …, 0.060); fewer points: half
    /// a fine step above (1 point) or to each side (2 to 8 points, which give 2).
    public static func finerGrid(around best: Double, grid: [Double], points: Int) -> [Double] {
        guard points > 0 else { return [] }
        let step = grid.count >= 2 ? abs(grid[1] - grid[0]) : best / 4
        if points >= 9 {
            let low = best - step
            return (0..<points).map { round3(low + 2 * step * Double($0) / Double(points - 1)) }.filter { $0 > 0 }
        }
        let offsets: [Double] = points == 1 ? [0.5] : [-0.5, 0.5]
        return offsets.map { round3(best + $0 * step) }.filter { $0 > 0 }
    }

    /// Rounds a learning rate to 3 significant digits (0.085333 → 0.0853), as a person would write it.
    static func round3(_ value: Double) -> Double {
        guard value > 0 else { return value }
        let scale = pow(10, 2 - floor(log10(value)))
        return (value * scale).rounded() / scale
    }
}
