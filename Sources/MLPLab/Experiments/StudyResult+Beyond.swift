extension StudyResult {
    /// Part 12, beyond the assignment: what each addition to the study's best configuration did
    /// on all the training images, and the soft vote of the resulting models; the best of them on
    /// validation is Part 12's answer.
    public struct BeyondPart: Codable, Sendable {
        /// The candidates, each adding one thing to the one before it: the chosen rate and momentum
        /// with weight decay 5e-4, a cosine schedule and early stopping; then a horizontal flip of
        /// the training images; then dropout; then AdamW in place of SGD, with the flip and dropout.
        public var runs: [StudyRun]
        /// The soft vote of the runs chosen for it on validation (``Ensemble/select(from:on:of:)``,
        /// in the order added); nil when no vote beat the best run alone, or fewer than two runs
        /// did not diverge.
        public var vote: EnsembleOutcome?
        /// The soft vote of every run that did not diverge, for comparison; nil when fewer than two.
        public var voteOfAll: EnsembleOutcome?
        /// Validation accuracy of `vote` as each member was added, the first being its first member alone.
        public var selection: [Double]
        /// What Part 12 chose on validation: the label of one of `runs`, or ``EnsembleOutcome/label``.
        public var chosen: String

        /// The part's runs, their votes and the choice.
        public init(runs: [StudyRun], vote: EnsembleOutcome?, voteOfAll: EnsembleOutcome?, selection: [Double], chosen: String) {
            self.runs = runs
            self.vote = vote
            self.voteOfAll = voteOfAll
            self.selection = selection
            self.chosen = chosen
        }

        /// The run chosen, nil when the vote was.
        public var chosenRun: StudyRun? { runs.first { $0.label == chosen } }

        /// Validation and test accuracy of the choice, run or vote.
        public var chosenAccuracy: (validation: Double, test: Double) {
            if let run = chosenRun { return (run.result.bestValidationAccuracy ?? 0, run.result.testAccuracy) }
            return (vote?.validationAccuracy ?? 0, vote?.testAccuracy ?? 0)
        }
    }

    /// How a soft vote of several trained models (``Ensemble``) scored on the validation and test splits.
    public struct EnsembleOutcome: Codable, Sendable {
        /// The name the chosen vote goes by in the part's choice.
        public static let label = "soft vote"

        /// The labels of the runs whose kept models (model.safetensors) voted.
        public var members: [String]
        /// Accuracy of the averaged probabilities on the validation split, 0…1.
        public var validationAccuracy: Double
        /// Their accuracy on the test split, 0…1.
        public var testAccuracy: Double
        /// Their mean cross-entropy on the test split.
        public var testLoss: Double
        /// Test accuracy of each class, in class order (nil for a class without test samples).
        public var testPerClass: [Double?]

        /// The vote of `members`, scored on validation and test.
        public init(members: [String], validation: Evaluation, test: Evaluation) {
            self.members = members
            validationAccuracy = validation.accuracy
            testAccuracy = test.accuracy
            testLoss = test.loss
            testPerClass = test.perClassAccuracy
        }
    }
}
