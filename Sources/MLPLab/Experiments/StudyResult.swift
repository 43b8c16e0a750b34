/// Everything a study measured and chose, each part's runs under a name that says what the run
/// is: numbers and configurations only. The report layer writes every title, sentence
/// and chart from these fields, and results.json is this value encoded.
///
/// Parts 1 and 2 (sample images, class distribution) train nothing: the report draws them from
/// the data set. One run may appear under several names (Part 6's best run is also Part 7's
/// batch-64 baseline and Part 8's run without momentum); each name holds a copy of it.
public struct StudyResult: Codable, Sendable {
    /// The settings the study ran with.
    public var configuration: StudyConfiguration
    /// The data set's name: "fashion-mnist" or the folder's path.
    public var dataName: String
    /// The data's class names, in label order.
    public var classNames: [String]
    /// Image width in pixels.
    public var imageWidth: Int
    /// Image height in pixels.
    public var imageHeight: Int
    /// Images in the "train", "validation" and "test" splits of Parts 3–11.
    public var splitSizes: SplitSizes

    /// Part 3: the baseline on raw 0…255 pixels, one run for each of three seeds (the study's
    /// seed and the two after it), in that order.
    public var withoutNormalization: [StudyRun]
    /// Part 4: the baseline (inputs ÷255).
    public var withNormalization: StudyRun
    /// Part 5: the baseline with every weight and bias starting at 0.
    public var zeroInitialization: StudyRun
    /// Part 6: the learning-rate grids and extremes; the best run gives `choices.learningRate`.
    public var learningRate: LearningRatePart
    /// Part 7: batch sizes 32 and 128 against batch 64.
    public var batchSize: BatchSizePart
    /// Part 8: momentum at the chosen rate; the best gives `choices.momentum`.
    public var momentum: MomentumPart
    /// Part 9: the best configuration so far, trained longer.
    public var epochs: EpochsPart
    /// Part 10: tanh and leaky ReLU against ReLU.
    public var activation: ActivationPart
    /// Part 11: weight decay 0.1 and 0.01 against none.
    public var weightDecay: WeightDecayPart
    /// Part 12: the chosen rate and momentum with weight decay 5e-4, a cosine schedule and early
    /// stopping, then a flip, dropout and AdamW added, and the models' soft vote, on
    /// `configuration.beyondTrainLimit` training images.
    public var beyond: BeyondPart
    /// What the study chose on the validation split and used from Part 7 (rate) and Part 9 (both) on.
    public var choices: Choices

    /// The CPU, as `CPUInfo.summary` describes it.
    public var machine: String
    /// The compute engine, its instruction set and the thread count.
    public var engine: String
    /// The MLPLab version that ran the study.
    public var mlplabVersion = MLPLabVersion.string
    /// Wall time of the whole study, reused runs included.
    public var seconds: Double
    /// Runs trained by this study (new or continued from a checkpoint): with several processes
    /// sharing the output folder, by any of them since the first of them started
    /// (``RunStore/trained``), so that they count what one process counts.
    public var runsTrained: Int
    /// Runs read back finished from an earlier study (``RunStore/reused``).
    public var runsReused: Int

    /// A result from its parts, as `Study.run()` assembles it; nothing is checked.
    public init(configuration: StudyConfiguration, dataName: String, classNames: [String], imageWidth: Int, imageHeight: Int,
                splitSizes: SplitSizes, withoutNormalization: [StudyRun], withNormalization: StudyRun,
                zeroInitialization: StudyRun, learningRate: LearningRatePart, batchSize: BatchSizePart,
                momentum: MomentumPart, epochs: EpochsPart, activation: ActivationPart, weightDecay: WeightDecayPart,
                beyond: BeyondPart, choices: Choices, machine: String, engine: String, seconds: Double,
                runsTrained: Int, runsReused: Int) {
        self.configuration = configuration
        self.dataName = dataName
        self.classNames = classNames
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.splitSizes = splitSizes
        self.withoutNormalization = withoutNormalization
        self.withNormalization = withNormalization
        self.zeroInitialization = zeroInitialization
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.momentum = momentum
        self.epochs = epochs
        self.activation = activation
        self.weightDecay = weightDecay
        self.beyond = beyond
        self.choices = choices
        self.machine = machine
        self.engine = engine
        self.seconds = seconds
        self.runsTrained = runsTrained
        self.runsReused = runsReused
    }
}

extension StudyResult {
    /// The hyperparameters the study chose on the validation split (never on the test split).
    public struct Choices: Codable, Equatable, Sendable {
        /// The rate of Part 6's best run.
        public var learningRate: Double
        /// The momentum of Part 8's best run if it beat plain SGD on validation, else 0.
        public var momentum: Double

        /// The study's choices.
        public init(learningRate: Double, momentum: Double) {
            self.learningRate = learningRate
            self.momentum = momentum
        }
    }

    /// Part 6: the baseline with the learning rate varied, coarse → fine → finer, and two extremes.
    public struct LearningRatePart: Codable, Sendable {
        /// One run per rate of `configuration.coarseLearningRates`, in that order.
        public var coarse: [StudyRun]
        /// Rates between the best coarse rate and its better neighbour (may be empty).
        public var fine: [StudyRun]
        /// Rates around the best of the coarse and fine runs (may be empty).
        public var finer: [StudyRun]
        /// The smallest coarse rate (lr 0.001): too small to converge in the study's epochs.
        /// The same run as the first of `coarse`.
        public var small: StudyRun
        /// lr 0.2: the too-large extreme, outside the grids.
        public var large: StudyRun
        /// The best run of coarse, fine and finer on validation: its rate is the chosen one.
        public var best: StudyRun

        /// The part's runs under their names.
        public init(coarse: [StudyRun], fine: [StudyRun], finer: [StudyRun], small: StudyRun, large: StudyRun, best: StudyRun) {
            self.coarse = coarse
            self.fine = fine
            self.finer = finer
            self.small = small
            self.large = large
            self.best = best
        }
    }

    /// Part 7: batch sizes at the chosen rate, and batch 128 at two fixed rates.
    public struct BatchSizePart: Codable, Sendable {
        /// Batch 32 at the chosen rate.
        public var batch32: StudyRun
        /// Batch 128 at the chosen rate.
        public var batch128: StudyRun
        /// Batch 128 at lr 0.1.
        public var batch128HighRate: StudyRun
        /// Batch 128 at lr 0.01.
        public var batch128LowRate: StudyRun
        /// Batch 64 at the chosen rate: Part 6's best run.
        public var baseline: StudyRun

        /// The part's runs under their names.
        public init(batch32: StudyRun, batch128: StudyRun, batch128HighRate: StudyRun, batch128LowRate: StudyRun, baseline: StudyRun) {
            self.batch32 = batch32
            self.batch128 = batch128
            self.batch128HighRate = batch128HighRate
            self.batch128LowRate = batch128LowRate
            self.baseline = baseline
        }
    }

    /// Part 8: momentum 0.5, 0.9 and 0.98 at the chosen rate.
    public struct MomentumPart: Codable, Sendable {
        /// One run per momentum, in increasing order.
        public var runs: [StudyRun]
        /// The chosen rate without momentum: Part 6's best run.
        public var without: StudyRun
        /// The momentum the study goes on with (0: none beat `without`); `choices.momentum`.
        public var chosen: Double

        /// The part's runs and the momentum it chose.
        public init(runs: [StudyRun], without: StudyRun, chosen: Double) {
            self.runs = runs
            self.without = without
            self.chosen = chosen
        }
    }

    /// Part 9: the best configuration so far at `configuration.longEpochs` and at the usual epochs.
    public struct EpochsPart: Codable, Sendable {
        /// Trained for `configuration.longEpochs`.
        public var long: StudyRun
        /// The best run so far, `configuration.epochs` long (Part 8's chosen run, or Part 6's best).
        public var short: StudyRun

        /// The part's runs under their names.
        public init(long: StudyRun, short: StudyRun) {
            self.long = long
            self.short = short
        }
    }

    /// Part 10: the best configuration so far with each activation.
    public struct ActivationPart: Codable, Sendable {
        /// tanh instead of ReLU.
        public var tanh: StudyRun
        /// Leaky ReLU (slope 0.01) instead of ReLU.
        public var leakyRelu: StudyRun
        /// ReLU: the best run so far, the same run as `EpochsPart.short`.
        public var relu: StudyRun

        /// The part's runs under their names.
        public init(tanh: StudyRun, leakyRelu: StudyRun, relu: StudyRun) {
            self.tanh = tanh
            self.leakyRelu = leakyRelu
            self.relu = relu
        }
    }

    /// Part 11: the best configuration so far with weight decay.
    public struct WeightDecayPart: Codable, Sendable {
        /// Weight decay 0.1.
        public var strong: StudyRun
        /// Weight decay 0.01.
        public var weak: StudyRun
        /// No weight decay: the best run so far, the same run as `EpochsPart.short`.
        public var without: StudyRun

        /// The part's runs under their names.
        public init(strong: StudyRun, weak: StudyRun, without: StudyRun) {
            self.strong = strong
            self.weak = weak
            self.without = without
        }
    }
}
