import Foundation

/// Writes each part of the study from its named runs: title, question, configuration line,
/// findings and which charts to draw. Every sentence is built from the measured numbers
/// (nothing is said that the runs did not show); a figure from elsewhere (PyTorch on the
/// reference machine, published results, the assignment's own choice) says where it comes from.
struct StudyText {
    let result: StudyResult
    /// The data the study ran on: Parts 1 and 2 describe it, Parts 4, 5 and 12 name its classes.
    let dataset: Dataset
    var configuration: StudyConfiguration { result.configuration }

    /// Every part, in the assignment's order.
    var sections: [StudySection] {
        [samples(), distribution(), withoutNormalization(result.withoutNormalization),
         withNormalization(result.withNormalization),
         zeroInitialization(result.zeroInitialization, baseline: result.withNormalization),
         learningRate(result.learningRate), batchSize(result.batchSize), momentum(result.momentum),
         epochs(result.epochs), activation(result.activation), weightDecay(result.weightDecay), beyond(result.beyond)]
    }

    // MARK: helpers

    /// "validation 0.8412, test 0.8390", or how the run diverged.
    static func summary(_ run: StudyRun) -> String {
        let o = run.result
        if let d = o.divergence {
            return d.summary(classCount: o.record.classNames.count)
        }
        return "validation \(Format.number(o.bestValidationAccuracy)), test \(Format.number(o.testAccuracy))"
    }

    var subsetNote: String {
        guard let limit = configuration.data.trainLimit else { return "all training images" }
        return "a stratified subset of \(limit) training images"
    }

    var baseDescription: String {
        let model = ModelConfiguration(inputSize: dataset.featureCount, hiddenSizes: configuration.hiddenSizes, classCount: dataset.classCount)
        return "\(model.shapeDescription), ReLU, torch init, SGD lr 0.01, batch 64, \(Format.count(configuration.epochs, "epoch")), inputs ÷255, seed \(configuration.seed), \(subsetNote)"
    }

    func part(_ number: Int, _ title: String, _ question: String, _ configuration: String, _ runs: [StudyRun],
              _ findings: [String], _ charts: [StudyChart]) -> StudySection {
        StudySection(number: number, title: title, question: question, configuration: configuration,
                     findings: findings, charts: charts, runs: runs)
    }

    // MARK: parts

    func samples() -> StudySection {
        let picked = dataset.samplesOfDistinctClasses(count: 12, seed: configuration.seed)
        return part(1, "Samples", "What do the images look like?", "\(picked.count) images of \(picked.count) different classes, picked with seed \(configuration.seed)", [],
                    ["Images are \(dataset.imageWidth)×\(dataset.imageHeight) grayscale, \(dataset.classCount) classes."],
                    [.samples(picked)])
    }

    func distribution() -> StudySection {
        let bars = DatasetCharts.classCounts(dataset)
        let largest = bars.first!, smallest = bars.last!
        let ratio = largest.value / max(smallest.value, 1)
        let finding = ratio < 1.05
            ? "The classes are balanced: \(Int(largest.value)) images each, so always guessing one class scores \(Format.percent(1 / Double(dataset.classCount)))."
            : "The classes are unbalanced: '\(largest.label)' has \(Int(largest.value)) images, '\(smallest.label)' \(Int(smallest.value)) (\(String(format: "%.0f", ratio))× fewer); always guessing '\(largest.label)' scores \(Format.percent(largest.value / Double(dataset.count)))."
        return part(2, "Class distribution", "How many images does each class have?", "all \(dataset.count) images", [],
                    [finding], [.distribution(bars)])
    }

    func withoutNormalization(_ runs: [StudyRun]) -> StudySection {
        let diverged = runs.filter { $0.result.divergence != nil }
        var findings = ["With raw pixels 0…255 at lr 0.01, \(diverged.count) of \(runs.count) seeds diverged: "
            + runs.map { "seed \($0.result.record.training.seed): \(StudyText.summary($0))" }.joined(separator: "; ") + "."]
        if let first = diverged.first?.result.divergence {
            findings.append("Diagnosis: \(first.diagnosis)")
        }
        if diverged.count < runs.count {
            findings.append("Whether a run diverges depends on its initialization: the step is at the edge of stability (PyTorch behaves the same way on this configuration, as MLPLab's docs/guide.md records under “Raw pixels”; not measured in this run).")
        }
        return part(3, "Without normalization", "What happens when pixels enter as 0…255?", baseDescription.replacingOccurrences(of: "inputs ÷255", with: "inputs raw 0…255") + ", seeds \(runs.map { String($0.result.record.training.seed) }.joined(separator: ", "))",
                    runs, findings, [.loss(title: "loss with raw pixels (nan is not drawn)", runs: runs)])
    }

    func withNormalization(_ run: StudyRun) -> StudySection {
        let epochs = run.result.epochs
        let findings = [
            "With inputs ÷255 the mean training loss fell from \(Format.number(epochs.first?.loss)) in epoch 1 to \(Format.number(epochs.last?.loss)) in epoch \(epochs.count).",
            "Validation accuracy \(Format.number(run.result.bestValidationAccuracy)) (best epoch \(run.result.bestEpoch.map(String.init) ?? "–")); train \(Format.number(run.result.trainAccuracy)), test \(Format.number(run.result.testAccuracy)).",
        ] + weakestClasses(run)
        return part(4, "With normalization", "Does scaling the inputs to 0…1 fix training?", baseDescription, [run], findings,
                    [.loss(title: "training loss", runs: [run]), .perClass(run)])
    }

    func weakestClasses(_ run: StudyRun) -> [String] {
        let ranked = run.result.testPerClass.enumerated().compactMap { i, a in a.map { (OneLine.escaped(dataset.classNames[i]), $0) } }.sorted { $0.1 < $1.1 }
        guard ranked.count >= 2 else { return [] }
        return ["Hardest classes on test: " + ranked.prefix(3).map { "\($0.0) \(Format.number($0.1, digits: 3))" }.joined(separator: ", ")
                + "; easiest: " + ranked.suffix(2).reversed().map { "\($0.0) \(Format.number($0.1, digits: 3))" }.joined(separator: ", ") + "."]
    }

    func zeroInitialization(_ run: StudyRun, baseline: StudyRun) -> StudySection {
        let o = run.result
        let lnC = log(Double(dataset.classCount))
        let majority = dataset.classCounts(of: 0..<dataset.count).max().map { Double($0) / Double(dataset.count) } ?? 0
        var findings = [
            "The loss went from \(Format.number(o.epochs.first?.loss)) to \(Format.number(o.epochs.last?.loss)); ln(\(dataset.classCount)) = \(Format.number(lnC)) is the loss of a uniform guess (baseline: \(Format.number(baseline.result.epochs.last?.loss))).",
            "After training, \(o.nonZeroParameters) of \(o.parameterCount) parameters are non-zero. With every weight 0, each hidden unit outputs ReLU(0) = 0, so no weight gets a gradient; only the \(dataset.classCount) output biases learn, and every image gets the same scores.",
            "Test accuracy \(Format.number(o.testAccuracy)): one class for every image, at most the share of the largest class (\(Format.number(majority)))."
        ]
        if o.nonZeroParameters > dataset.classCount { findings[1] = "After training, \(o.nonZeroParameters) of \(o.parameterCount) parameters are non-zero." }
        return part(5, "Zero initialization", "What if every weight and bias starts at 0?", baseDescription.replacingOccurrences(of: "torch init", with: "zero init"),
                    [run], findings, [.loss(title: "training loss: zero init vs baseline", runs: [run, baseline])])
    }

    /// A learning-rate run's label without its "lr " prefix: "0.016".
    static func rate(_ run: StudyRun) -> String { run.label.replacingOccurrences(of: "lr ", with: "") }

    func learningRate(_ lr: StudyResult.LearningRatePart) -> StudySection {
        let bestCoarse = Study.best(lr.coarse)
        var findings = [
            "Coarse grid (doubling from 0.001): best validation accuracy \(Format.number(Study.score(bestCoarse))) at \(bestCoarse.label); "
                + lr.coarse.map { "\(StudyText.rate($0)): \(Format.number(Study.score($0), digits: 3))" }.joined(separator: ", ") + ".",
        ]
        if !lr.fine.isEmpty { findings.append("Finer grid \(lr.fine.map(StudyText.rate).joined(separator: ", ")): best \(Study.best(lr.fine).label) (\(Format.number(Study.score(Study.best(lr.fine))))).") }
        if !lr.finer.isEmpty { findings.append("Finer again \(lr.finer.map(StudyText.rate).joined(separator: ", ")): best \(Study.best(lr.finer).label) (\(Format.number(Study.score(Study.best(lr.finer))))).") }
        findings.append("Chosen on validation: **\(lr.best.label)** (validation \(Format.number(Study.score(lr.best))), test \(Format.number(lr.best.result.testAccuracy))). The assignment chose 0.053 on its test set; here the test set is looked at once per run and never used to choose.")
        findings.append("Extremes: lr 0.001 ends epoch \(lr.small.result.epochs.count) at loss \(Format.number(lr.small.result.finalLoss)) and validation \(Format.number(Study.score(lr.small))), still far from converged; lr 0.2: \(StudyText.summary(lr.large)), final loss \(Format.number(lr.large.result.finalLoss)).")
        let all = lr.coarse + lr.fine + lr.finer + [lr.large]
        return part(6, "Learning rate", "Which learning rate trains best in \(configuration.epochs) epochs, and what do too small and too large ones do?",
                    baseDescription.replacingOccurrences(of: "lr 0.01", with: "lr varied"), all, findings,
                    [.loss(title: "training loss, coarse grid", runs: lr.coarse), .score(title: "validation accuracy by learning rate", runs: all),
                     .loss(title: "training loss, the extremes", runs: [lr.small, lr.large])])
    }

    func batchSize(_ batch: StudyResult.BatchSizePart) -> StudySection {
        let seconds: (StudyRun) -> String = { String(format: "%.1f s/epoch", $0.result.trainingSeconds / Double(max($0.result.epochs.count, 1))) }
        let runs = [batch.batch32, batch.batch128, batch.batch128HighRate, batch.batch128LowRate]
        var findings = runs.map { "\($0.label): \(StudyText.summary($0)), \(seconds($0))" }
        findings.append("batch 64 \(batch.baseline.label): \(StudyText.summary(batch.baseline)), \(seconds(batch.baseline))")
        findings.append("At the same learning rate, batch 128 takes half the steps of batch 64 per epoch and scored \(Format.number(Study.score(batch.batch128))) against \(Format.number(Study.score(batch.baseline))); batch 32 takes twice the steps and scored \(Format.number(Study.score(batch.batch32))).")
        let better = Study.best([batch.batch128HighRate, batch.batch128LowRate])
        findings.append("At batch 128, \(better.label.replacingOccurrences(of: "batch 128 ", with: "")) did better than the other rate tried (\(Format.number(Study.score(batch.batch128HighRate))) for lr 0.1, \(Format.number(Study.score(batch.batch128LowRate))) for lr 0.01): a larger batch averages away noise and tolerates a larger step.")
        return part(7, "Batch size", "How do batch sizes 32 and 128 compare, and does batch 128 want another learning rate?",
                    "as Part 6's best run, batch size and learning rate varied", runs, findings,
                    [.loss(title: "training loss by batch size", runs: [batch.baseline] + runs),
                     .score(title: "validation accuracy by batch size", runs: [batch.baseline] + runs)])
    }

    func momentum(_ momentum: StudyResult.MomentumPart) -> StudySection {
        var findings = momentum.runs.map { "\($0.label): \(StudyText.summary($0))" }
        findings.append("Without momentum (\(momentum.without.label)): \(StudyText.summary(momentum.without)).")
        if let diverged = momentum.runs.first(where: { $0.result.divergence != nil }), let d = diverged.result.divergence {
            findings.append("\(diverged.label) diverged: \(d.diagnosis)")
        }
        findings.append(momentum.chosen == 0 ? "No momentum beat plain SGD on validation; the study goes on without momentum."
                                             : "Chosen on validation: momentum \(momentum.chosen).")
        let all = [momentum.without] + momentum.runs
        return part(8, "Momentum", "What do momentum 0.5, 0.9 and 0.98 change?", "as Part 6's best run, momentum varied",
                    momentum.runs, findings, [.loss(title: "training loss by momentum", runs: all), .validationAccuracy(title: "validation accuracy by momentum", runs: all)])
    }

    func epochs(_ epochs: StudyResult.EpochsPart) -> StudySection {
        let run = epochs.long, short = epochs.short
        let o = run.result
        let gap = o.trainAccuracy - o.testAccuracy
        var findings = [
            "\(o.epochs.count) epochs: validation \(Format.number(o.bestValidationAccuracy)) (best epoch \(o.bestEpoch.map(String.init) ?? "–")) against \(Format.number(Study.score(short))) after \(short.result.epochs.count); test \(Format.number(o.testAccuracy)).",
            "Train accuracy \(Format.number(o.trainAccuracy)) vs test \(Format.number(o.testAccuracy)): a gap of \(Format.number(gap, digits: 3)).",
        ]
        if let bestEpoch = o.bestEpoch, bestEpoch < o.epochs.count - 2 {
            findings.append("Validation accuracy peaked in epoch \(bestEpoch) and did not improve in the \(o.epochs.count - bestEpoch) epochs after: more epochs started to overfit; the run keeps the epoch-\(bestEpoch) weights.")
        } else {
            findings.append(gap > 0.03 ? "The gap shows the start of overfitting, but validation accuracy was still rising at the end." : "Train and test stay close: no overfitting yet, and more epochs still helped.")
        }
        return part(9, "Epochs", "Does training for \(o.epochs.count) epochs instead of \(short.result.epochs.count) help, and does it overfit?",
                    "the best configuration so far, \(o.epochs.count) epochs", [run], findings,
                    [.loss(title: "training loss", runs: [short, run]), .validationAccuracy(title: "validation accuracy", runs: [short, run])])
    }

    func activation(_ activation: StudyResult.ActivationPart) -> StudySection {
        let named = [("relu", activation.relu), (activation.tanh.label, activation.tanh), (activation.leakyRelu.label, activation.leakyRelu)]
        let all = named.map(\.1)
        let best = named.max { Study.score($0.1) < Study.score($1.1) }!
        let findings = named.map { "\($0.0): \(StudyText.summary($0.1)), final loss \(Format.number($0.1.result.finalLoss))" }
            + ["Best on validation: \(best.0); the spread is \(Format.number(all.map(Study.score).max()! - all.map(Study.score).min()!, digits: 3))."]
        return part(10, "Activation", "Do tanh and leaky ReLU do better than ReLU?", "the best configuration so far, activation varied",
                    [activation.tanh, activation.leakyRelu], findings,
                    [.loss(title: "training loss by activation", runs: all), .score(title: "validation accuracy by activation", runs: all)])
    }

    func weightDecay(_ decay: StudyResult.WeightDecayPart) -> StudySection {
        let named = [("no weight decay", decay.without), (decay.strong.label, decay.strong), (decay.weak.label, decay.weak)]
        let all = named.map(\.1)
        var findings = named.map { "\($0.0): \(StudyText.summary($0.1)), final loss \(Format.number($0.1.result.finalLoss))" }
        findings.append("Weight decay adds λ·θ to every gradient, pulling weights to 0: with λ = 0.1 that pull \(Study.score(decay.strong) < Study.score(decay.without) - 0.05 ? "overwhelms the data's gradient and the model underfits" : "costs little here"); with λ = 0.01 validation is \(Format.number(Study.score(decay.weak))) against \(Format.number(Study.score(decay.without))) without.")
        return part(11, "Weight decay", "What do weight decay 0.1 and 0.01 do?", "the best configuration so far, weight decay varied",
                    [decay.strong, decay.weak], findings,
                    [.loss(title: "training loss by weight decay", runs: all), .score(title: "validation accuracy by weight decay", runs: all)])
    }

    func beyond(_ beyond: StudyResult.BeyondPart) -> StudySection {
        let runs = beyond.runs, first = runs[0].result, t = first.record.training
        let target = 0.905
        var findings = [
            "Added one at a time to the best configuration so far, as the parts train it (\(subsetNote), \(Format.count(configuration.epochs, "epoch"))): "
                + "without: \(StudyText.summary(beyond.without)); "
                + zip(["a horizontal flip of half the training images (RandomHorizontalFlip)", "dropout 0.2 after every hidden layer (nn.Dropout)",
                       "AdamW (lr 0.001, weight decay 0.05) in place of SGD", "AdamW with the flip and dropout"], beyond.additions)
                    .map { "\($0): \(StudyText.summary($1))" }.joined(separator: "; ") + ".",
            "Then two long trainings on \(first.splitSizes.train) images, \(Format.count(t.epochs, "epoch")) with a cosine schedule and early stopping after \(Format.count(t.patience ?? 0, "epoch")) without improvement: SGD with a little weight decay, and AdamW with the flip and dropout as regularization for the longer training.",
        ]
        findings += runs.map { run in
            let o = run.result
            let stopped = o.divergence == nil ? ", \(Format.count(o.epochs.count, "epoch"))\(o.stoppedEarly ? " (stopped early)" : ""), kept epoch \(o.bestEpoch.map(String.init) ?? "–")" : ""
            let what = run.result.record.training.optimizer.algorithm == .sgd
                ? "SGD at lr \(Format.trimmed(run.result.record.training.optimizer.learningRate)), momentum \(Format.trimmed(run.result.record.training.optimizer.momentum)), weight decay \(Format.trimmed(run.result.record.training.optimizer.weightDecay))"
                : "AdamW with the flip and dropout"
            return "\(run.label) (\(what)): \(StudyText.summary(run))\(stopped)."
        }
        if let vote = beyond.vote {
            let added = zip(vote.members, beyond.selection).map { "\($0) (\(Format.number($1)))" }.joined(separator: " + ")
            findings.append("Their soft vote (the mean of the models' class probabilities, as scikit-learn's VotingClassifier(voting=\"soft\")), members chosen on validation one at a time while they raised its accuracy: \(added). Validation \(Format.number(vote.validationAccuracy)), test \(Format.number(vote.testAccuracy)): models trained differently make different mistakes, so their average can be right more often than either.")
        } else if runs.count >= 2 {
            findings.append("No vote of these models beat \(Study.best(runs).label) alone on validation.")
        }
        let (validation, test) = beyond.chosenAccuracy
        let chosenName = beyond.chosenRun?.label ?? "the soft vote of \(beyond.vote.map { $0.members.joined(separator: " and ") } ?? "")"
        var chosen = "Chosen on validation: \(chosenName) (validation \(Format.number(validation))): **test accuracy \(Format.number(test))**."
        if beyond.chosenRun == nil {
            let single = Study.best(runs)
            chosen += " The best single model on validation, \(single.label), scored test \(Format.number(single.result.testAccuracy))."
        }
        if dataset.name == FashionMNIST.name {
            findings.append(chosen + (test >= target
                ? " That meets the aim of \(target) on Fashion-MNIST\(beyond.chosenRun == nil ? ", with a vote of MLPs" : " with one MLP") (published single-MLP results: 0.871–0.883)."
                : " That is \(Format.number(target - test, digits: 3)) short of the aim of \(target) (published plain-MLP results: 0.871–0.883). PyTorch reached 0.901 with lr 0.05, momentum 0.9 and a cosine schedule over 40 epochs, and 0.903 adding weight decay 5e-4, on MLPLab's reference machine (an AMD EPYC, 2 cores; see the guide, “What the study shows”): not measured in this run."))
        } else {
            findings.append(chosen + " Compare with Part 9's \(configuration.longEpochs)-epoch run.")
        }
        let perClass: StudyChart = beyond.chosenRun.map { .perClass($0) }
            ?? .testPerClass(title: "the soft vote: test accuracy of each class", values: beyond.vote?.testPerClass ?? [])
        var without = beyond.without
        without.label = "without (\(without.label))"
        return part(12, "Beyond the assignment", "How far does the best configuration get with a cosine schedule, a little weight decay and early stopping, and what do a flip, dropout, AdamW and a vote of models add?",
                    "the best configuration so far with a flip, dropout 0.2, AdamW, or AdamW with both; then SGD (weight decay 5e-4) and AdamW with flip and dropout, cosine, \(t.epochs) epochs, patience \(t.patience ?? 0), and their vote",
                    beyond.additions + runs, findings,
                    [.score(title: "what each addition does (validation, \(Format.count(configuration.epochs, "epoch")))", runs: [without] + beyond.additions),
                     .validationAccuracy(title: "validation accuracy of the long runs", runs: runs), perClass])
    }
}
