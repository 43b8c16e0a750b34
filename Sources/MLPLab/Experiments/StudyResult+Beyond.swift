extension StudyResult {
    /// Part 12, beyond the assignment: what a flip, dropout and AdamW each add to the best
    /// configuration as the parts train it, then two long trainings on all of Part 12's data and
    /// their soft vote; the best of those on validation is Part 12's answer.
    public struct BeyondPart: Codable, Sendable {
        /// The best configuration so far with one thing added, trained as Parts 9–11 train (in
        /// `Study`'s order: flip, dropout 0.2, AdamW, AdamW with flip and dropout).
        public var additions: [StudyRun]
        /// The best run so far, which the additions are compared with (the same run as
        /// `EpochsPart.short`).
        public var without: StudyRun
        /// The long trainings: the chosen rate and momentum with weight decay 5e-4, a cosine
        /// schedule and early stopping; and AdamW with the flip and dropout, trained the same way.
        public var runs: [StudyRun]
        /// The soft vote of the long runs chosen for it on validation (``Ensemble/select(from:on:of:)``,
        /// in the order added); nil when no vote beat the best run alone, or fewer than two runs
        /// did not diverge.
        public var vote: EnsembleOutcome?
        /// Validation accuracy as each member of the vote was chosen, the first being the best
        /// long run alone (empty when there was nothing to choose from).
        public var selection: [Double]
        /// What Part 12 chose on validation: the label of one of `runs`, or ``EnsembleOutcome/label``.
        public var chosen: String

        /// The part's runs, the vote and the choice.
        public init(additions: [StudyRun], without: StudyRun, runs: [StudyRun], vote: EnsembleOutcome?, selection: [Double], chosen: String) {
            self.additions = additions
            self.without = without
            self.runs = runs
            self.vote = vote
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
