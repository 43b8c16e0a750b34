import Foundation

/// Writes each part of the study: its question, configuration, charts, and findings, every
/// sentence built from the measured numbers (nothing is said that the runs did not show).
struct StudyText {
    let dataset: Dataset
    let configuration: StudyConfiguration

    // MARK: helpers

    static func number(_ value: Double?, digits: Int = 4) -> String {
        guard let value else { return "–" }
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)f", value)
    }

    static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.1f %%", value * 100)
    }

    /// "val 0.8412 / test 0.8390" or how it diverged.
    static func summary(_ run: StudyRun) -> String {
        let o = run.result
        if let d = o.divergence {
            let how = d.loss.isFinite ? "loss exploded to \(String(format: "%.3g", d.loss)) and collapsed" : "loss \(number(d.loss))"
            return "diverged in epoch \(d.epoch), batch \(d.batch) (\(how))"
        }
        return "validation \(number(o.bestValidationAccuracy)), test \(number(o.testAccuracy))"
    }

    var subsetNote: String {
        guard let limit = configuration.data.trainLimit else { return "all training images" }
        return "a stratified subset of \(limit) training images"
    }

    var baseDescription: String {
        let model = ModelConfiguration(inputSize: dataset.featureCount, hiddenSizes: configuration.hiddenSizes, classCount: dataset.classCount)
        return "\(model.shapeDescription), ReLU, torch init, SGD lr 0.01, batch 64, \(configuration.epochs) epochs, inputs ÷255, seed \(configuration.seed), \(subsetNote)"
    }

    func lossChart(_ title: String, _ runs: [StudyRun]) -> StudyPart.Chart {
        .init(title: title, svg: LineChart(title: title, yLabel: "mean training loss",
                                           series: runs.map { .init(name: $0.label, values: $0.result.epochs.map(\.loss)) }).svg)
    }

    func accuracyChart(_ title: String, _ runs: [StudyRun]) -> StudyPart.Chart {
        .init(title: title, svg: LineChart(title: title, yLabel: "validation accuracy",
                                           series: runs.map { .init(name: $0.label, values: $0.result.epochs.map { $0.validationAccuracy ?? .nan }) }).svg)
    }

    func scoreChart(_ title: String, _ runs: [StudyRun]) -> StudyPart.Chart {
        var chart = BarChart(title: title, valueLabel: "best validation accuracy (0 when diverged first)",
                             bars: runs.map { (label: $0.label, value: $0.result.bestValidationAccuracy ?? 0) })
        chart.format = { String(format: "%.4f", $0) }
        return .init(title: title, svg: chart.svg)
    }

    func perClassChart(_ run: StudyRun) -> StudyPart.Chart {
        .init(title: "accuracy of each class", svg: GroupedBarChart(
            title: "\(run.label): accuracy of each class", categories: dataset.classNames,
            series: [("train", run.result.trainPerClass), ("test", run.result.testPerClass)]).svg)
    }

    func part(_ number: Int, _ title: String, _ question: String, _ configuration: String, _ runs: [StudyRun],
              _ findings: [String], _ charts: [StudyPart.Chart]) -> StudyPart {
        StudyPart(number: number, title: title, question: question, configuration: configuration, runs: runs,
                  findings: findings, charts: charts)
    }

    // MARK: parts

    func samples() -> StudyPart {
        let picked = dataset.samplesOfDistinctClasses(count: 12, seed: configuration.seed)
        let grid = ImageGrid(title: "\(picked.count) random images of different classes", columns: 4,
                             items: picked.map { (dataset.classNames[Int(dataset.labels[$0])], dataset.image(at: $0)) })
        return part(1, "Samples", "What do the images look like?", "\(picked.count) images of \(picked.count) different classes, picked with seed \(configuration.seed)", [],
                    ["Images are \(dataset.imageWidth)×\(dataset.imageHeight) grayscale, \(dataset.classCount) classes."],
                    [.init(title: "samples", svg: grid.svg)])
    }

    func distribution() -> StudyPart {
        let counts = dataset.classCounts(of: 0..<dataset.count)
        let bars = zip(dataset.classNames, counts).sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map { (label: $0.0, value: Double($0.1)) }
        let largest = bars.first!, smallest = bars.last!
        let ratio = largest.value / max(smallest.value, 1)
        let finding = ratio < 1.05
            ? "The classes are balanced: \(Int(largest.value)) images each, so always guessing one class scores \(StudyText.percent(1 / Double(dataset.classCount)))."
            : "The classes are unbalanced: '\(largest.label)' has \(Int(largest.value)) images, '\(smallest.label)' \(Int(smallest.value)) (\(String(format: "%.0f", ratio))× fewer); always guessing '\(largest.label)' scores \(StudyText.percent(largest.value / Double(dataset.count)))."
        return part(2, "Class distribution", "How many images does each class have?", "all \(dataset.count) images", [],
                    [finding], [.init(title: "distribution", svg: BarChart(title: "images per class", valueLabel: "images", bars: bars).svg)])
    }

    func withoutNormalization(_ runs: [StudyRun]) -> StudyPart {
        let diverged = runs.filter { $0.result.divergence != nil }
        var findings = ["With raw pixels 0…255 at lr 0.01, \(diverged.count) of \(runs.count) seeds diverged: "
            + runs.map { "seed \($0.result.record.training.seed): \(StudyText.summary($0))" }.joined(separator: "; ") + "."]
        if let first = diverged.first?.result.divergence {
            findings.append("Diagnosis: \(first.diagnosis)")
        }
        if diverged.count < runs.count {
            findings.append("Whether a run diverges depends on its initialization: the step is at the edge of stability (PyTorch behaves the same way on this configuration).")
        }
        return part(3, "Without normalization", "What happens when pixels enter as 0…255?", baseDescription.replacingOccurrences(of: "inputs ÷255", with: "inputs raw 0…255") + ", seeds \(runs.map { String($0.result.record.training.seed) }.joined(separator: ", "))",
                    runs, findings, [lossChart("loss with raw pixels (nan is not drawn)", runs)])
    }

    func withNormalization(_ run: StudyRun) -> StudyPart {
        let epochs = run.result.epochs
        let findings = [
            "With inputs ÷255 the mean training loss fell from \(StudyText.number(epochs.first?.loss)) in epoch 1 to \(StudyText.number(epochs.last?.loss)) in epoch \(epochs.count).",
            "Validation accuracy \(StudyText.number(run.result.bestValidationAccuracy)) (best epoch \(run.result.bestEpoch.map(String.init) ?? "–")); train \(StudyText.number(run.result.trainAccuracy)), test \(StudyText.number(run.result.testAccuracy)).",
        ] + weakestClasses(run)
        return part(4, "With normalization", "Does scaling the inputs to 0…1 fix training?", baseDescription, [run], findings,
                    [lossChart("training loss", [run]), perClassChart(run)])
    }

    func weakestClasses(_ run: StudyRun) -> [String] {
        let ranked = run.result.testPerClass.enumerated().compactMap { i, a in a.map { (dataset.classNames[i], $0) } }.sorted { $0.1 < $1.1 }
        guard ranked.count >= 2 else { return [] }
        return ["Hardest classes on test: " + ranked.prefix(3).map { "\($0.0) \(StudyText.number($0.1, digits: 3))" }.joined(separator: ", ")
                + "; easiest: " + ranked.suffix(2).reversed().map { "\($0.0) \(StudyText.number($0.1, digits: 3))" }.joined(separator: ", ") + "."]
    }

    func zeroInitialization(_ run: StudyRun, baseline: StudyRun) -> StudyPart {
        let o = run.result
        let lnC = log(Double(dataset.classCount))
        let majority = dataset.classCounts(of: 0..<dataset.count).max().map { Double($0) / Double(dataset.count) } ?? 0
        var findings = [
            "The loss went from \(StudyText.number(o.epochs.first?.loss)) to \(StudyText.number(o.epochs.last?.loss)); ln(\(dataset.classCount)) = \(StudyText.number(lnC)) is the loss of a uniform guess (baseline: \(StudyText.number(baseline.result.epochs.last?.loss))).",
            "After training, \(o.nonZeroParameters) of \(o.parameterCount) parameters are non-zero. With every weight 0, each hidden unit outputs ReLU(0) = 0, so no weight gets a gradient; only the \(dataset.classCount) output biases learn, and every image gets the same scores.",
            "Test accuracy \(StudyText.number(o.testAccuracy)): one class for every image, at most the share of the largest class (\(StudyText.number(majority)))."
        ]
        if o.nonZeroParameters > dataset.classCount { findings[1] = "After training, \(o.nonZeroParameters) of \(o.parameterCount) parameters are non-zero." }
        return part(5, "Zero initialization", "What if every weight and bias starts at 0?", baseDescription.replacingOccurrences(of: "torch init", with: "zero init"),
                    [run], findings, [lossChart("training loss: zero init vs baseline", [run, baseline])])
    }

    func learningRate(coarse: [StudyRun], fine: [StudyRun], finer: [StudyRun], extremes: [StudyRun], best: StudyRun) -> StudyPart {
        let bestCoarse = Study.best(coarse)
        var findings = [
            "Coarse grid (doubling from 0.001): best validation accuracy \(StudyText.number(Study.score(bestCoarse))) at \(bestCoarse.label); "
                + coarse.map { "\($0.label.replacingOccurrences(of: "lr ", with: "")): \(StudyText.number(Study.score($0), digits: 3))" }.joined(separator: ", ") + ".",
        ]
        if !fine.isEmpty { findings.append("Finer grid \(fine.map { $0.label.replacingOccurrences(of: "lr ", with: "") }.joined(separator: ", ")): best \(Study.best(fine).label) (\(StudyText.number(Study.score(Study.best(fine))))).") }
        if !finer.isEmpty { findings.append("Finer again \(finer.map { $0.label.replacingOccurrences(of: "lr ", with: "") }.joined(separator: ", ")): best \(Study.best(finer).label) (\(StudyText.number(Study.score(Study.best(finer))))).") }
        findings.append("Chosen on validation: **\(best.label)** (validation \(StudyText.number(Study.score(best))), test \(StudyText.number(best.result.testAccuracy))). The assignment chose 0.053 on its test set; here the test set is looked at once per run and never used to choose.")
        let small = extremes[0], large = extremes[1]
        findings.append("Extremes: lr 0.001 ends epoch \(small.result.epochs.count) at loss \(StudyText.number(small.result.finalLoss)) and validation \(StudyText.number(Study.score(small))), still far from converged; lr 0.2: \(StudyText.summary(large)), final loss \(StudyText.number(large.result.finalLoss)).")
        return part(6, "Learning rate", "Which learning rate trains best in \(configuration.epochs) epochs, and what do too small and too large ones do?",
                    baseDescription.replacingOccurrences(of: "lr 0.01", with: "lr varied"), coarse + fine + finer + [large],
                    findings, [lossChart("training loss, coarse grid", coarse), scoreChart("validation accuracy by learning rate", coarse + fine + finer + [large]),
                               lossChart("training loss, the extremes", extremes)])
    }

    func batchSize(_ runs: [StudyRun], baseline: StudyRun) -> StudyPart {
        let seconds: (StudyRun) -> String = { String(format: "%.1f s/epoch", $0.result.trainingSeconds / Double(max($0.result.epochs.count, 1))) }
        var findings = (runs + [baseline]).map { "\($0.label.hasPrefix("batch") ? $0.label : "batch 64 \($0.label)"): \(StudyText.summary($0)), \(seconds($0))" }
        let b32 = runs[0], b128 = runs[1]
        findings.append("At the same learning rate, batch 128 takes half the steps of batch 64 per epoch and scored \(StudyText.number(Study.score(b128))) against \(StudyText.number(Study.score(baseline))); batch 32 takes twice the steps and scored \(StudyText.number(Study.score(b32))).")
        let better = Study.best(Array(runs[2...3]))
        findings.append("At batch 128, \(better.label.replacingOccurrences(of: "batch 128 ", with: "")) did better than the other rate tried (\(StudyText.number(Study.score(runs[2]))) for lr 0.1, \(StudyText.number(Study.score(runs[3]))) for lr 0.01): a larger batch averages away noise and tolerates a larger step.")
        return part(7, "Batch size", "How do batch sizes 32 and 128 compare, and does batch 128 want another learning rate?",
                    "as Part 6's best run, batch size and learning rate varied", runs, findings,
                    [lossChart("training loss by batch size", [baseline] + runs), scoreChart("validation accuracy by batch size", [baseline] + runs)])
    }

    func momentum(_ runs: [StudyRun], without: StudyRun, chosen: Double) -> StudyPart {
        var findings = runs.map { "\($0.label): \(StudyText.summary($0))" }
        findings.append("Without momentum (\(without.label)): \(StudyText.summary(without)).")
        if let diverged = runs.first(where: { $0.result.divergence != nil }), let d = diverged.result.divergence {
            findings.append("\(diverged.label) diverged: \(d.diagnosis)")
        }
        findings.append(chosen == 0 ? "No momentum beat plain SGD on validation; the study goes on without momentum."
                                    : "Chosen on validation: momentum \(chosen).")
        return part(8, "Momentum", "What do momentum 0.5, 0.9 and 0.98 change?", "as Part 6's best run, momentum varied",
                    runs, findings, [lossChart("training loss by momentum", [without] + runs), accuracyChart("validation accuracy by momentum", [without] + runs)])
    }

    func epochs(_ run: StudyRun, short: StudyRun) -> StudyPart {
        let o = run.result
        let gap = o.trainAccuracy - o.testAccuracy
        var findings = [
            "\(o.epochs.count) epochs: validation \(StudyText.number(o.bestValidationAccuracy)) (best epoch \(o.bestEpoch.map(String.init) ?? "–")) against \(StudyText.number(Study.score(short))) after \(short.result.epochs.count); test \(StudyText.number(o.testAccuracy)).",
            "Train accuracy \(StudyText.number(o.trainAccuracy)) vs test \(StudyText.number(o.testAccuracy)): a gap of \(StudyText.number(gap, digits: 3)).",
        ]
        if let bestEpoch = o.bestEpoch, bestEpoch < o.epochs.count - 2 {
            findings.append("Validation accuracy peaked in epoch \(bestEpoch) and did not improve in the \(o.epochs.count - bestEpoch) epochs after: more epochs started to overfit; the run keeps the epoch-\(bestEpoch) weights.")
        } else {
            findings.append(gap > 0.03 ? "The gap shows the start of overfitting, but validation accuracy was still rising at the end." : "Train and test stay close: no overfitting yet, and more epochs still helped.")
        }
        return part(9, "Epochs", "Does training for \(o.epochs.count) epochs instead of \(short.result.epochs.count) help, and does it overfit?",
                    "the best configuration so far, \(o.epochs.count) epochs", [run], findings,
                    [lossChart("training loss", [short, run]), accuracyChart("validation accuracy", [short, run])])
    }

    func activation(_ runs: [StudyRun], relu: StudyRun) -> StudyPart {
        let all = [relu] + runs
        let findings = all.map { "\($0.label == relu.label ? "relu" : $0.label): \(StudyText.summary($0)), final loss \(StudyText.number($0.result.finalLoss))" }
            + ["Best on validation: \(Study.best(all).label == relu.label ? "relu" : Study.best(all).label); the spread is \(StudyText.number(all.map(Study.score).max()! - all.map(Study.score).min()!, digits: 3))."]
        return part(10, "Activation", "Do tanh and leaky ReLU do better than ReLU?", "the best configuration so far, activation varied",
                    runs, findings, [lossChart("training loss by activation", all), scoreChart("validation accuracy by activation", all)])
    }

    func weightDecay(_ runs: [StudyRun], without: StudyRun) -> StudyPart {
        let all = [without] + runs
        var findings = all.map { "\($0.label.hasPrefix("weight") ? $0.label : "no weight decay"): \(StudyText.summary($0)), final loss \(StudyText.number($0.result.finalLoss))" }
        findings.append("Weight decay adds λ·θ to every gradient, pulling weights to 0: with λ = 0.1 that pull \(Study.score(runs[0]) < Study.score(without) - 0.05 ? "overwhelms the data's gradient and the model underfits" : "costs little here"); with λ = 0.01 validation is \(StudyText.number(Study.score(runs[1]))) against \(StudyText.number(Study.score(without))) without.")
        return part(11, "Weight decay", "What do weight decay 0.1 and 0.01 do?", "the best configuration so far, weight decay varied",
                    runs, findings, [lossChart("training loss by weight decay", all), scoreChart("validation accuracy by weight decay", all)])
    }

    func beyond(_ run: StudyRun) -> StudyPart {
        let o = run.result, t = o.record.training
        let target = 0.905
        let findings = [
            "Best configuration, trained longer: lr \(Study.format(t.optimizer.learningRate)), momentum \(t.optimizer.momentum), weight decay \(t.optimizer.weightDecay), cosine schedule over \(t.epochs) epochs, early stopping after \(t.patience ?? 0) epochs without improvement, \(o.splitSizes.train) training images.",
            "It ran \(o.epochs.count) epochs\(o.stoppedEarly ? " (stopped early)" : ""), kept epoch \(o.bestEpoch.map(String.init) ?? "–") (validation \(StudyText.number(o.bestValidationAccuracy))): **test accuracy \(StudyText.number(o.testAccuracy))**.",
            dataset.name == FashionMNIST.name
                ? (o.testAccuracy >= target ? "That meets the aim of \(target) for a plain MLP on Fashion-MNIST (published MLP results: 0.871–0.883)."
                                            : "That is \(StudyText.number(target - o.testAccuracy, digits: 3)) short of the aim of \(target) for a plain MLP (published MLP results: 0.871–0.883; PyTorch on this machine reached 0.901 with lr 0.05, momentum 0.9 and a cosine schedule over 40 epochs, 0.903 adding weight decay 5e-4).")
                : "Compare with Part 9's \(configuration.longEpochs)-epoch run.",
        ]
        return part(12, "Beyond the assignment", "How far does the best configuration get with a cosine schedule, a little weight decay and early stopping?",
                    "best lr and momentum, weight decay 5e-4, cosine, \(t.epochs) epochs, patience \(t.patience ?? 0)", [run], findings,
                    [lossChart("training loss", [run]), accuracyChart("validation accuracy", [run]), perClassChart(run)])
    }
}
