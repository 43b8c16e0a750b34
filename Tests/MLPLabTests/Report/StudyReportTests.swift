import Foundation
import MLPLab
import Testing

/// The study's report written from a made-up `StudyResult` (no training): each sentence must
/// take its numbers from the run named for them, so every run below has its own validation and
/// test accuracy and a swap of two fields changes the text.
struct StudyReportTests {
    /// Ten classes of two 4×4 images each, named like Fashion-MNIST so that Part 12 compares.
    static let dataset = Dataset(name: FashionMNIST.name, classNames: (0..<10).map { "class \($0)" }, imageWidth: 4, imageHeight: 4,
                                 pixels: (0..<20 * 16).map { UInt8($0 % 256) }, labels: (0..<20).map { Int32($0 % 10) })

    /// A finished run of three epochs, decoded from JSON as a run folder's result.json holds it.
    static func run(_ label: String, validation: Double, test: Double, learningRate: Double = 0.01, batchSize: Int = 64,
                    momentum: Double = 0, weightDecay: Double = 0, epochs: Int = 3) throws -> StudyRun {
        var training = TrainingConfiguration()
        training.optimizer.learningRate = learningRate
        training.optimizer.momentum = momentum
        training.optimizer.weightDecay = weightDecay
        training.batchSize = batchSize
        training.epochs = epochs
        let record = RunRecord(command: ["test"], data: DataConfiguration(), dataset: dataset,
                               model: ModelConfiguration(inputSize: 16, hiddenSizes: [8], classCount: 10), training: training)
        let metrics: [[String: Any]] = (1...epochs).map {
            ["epoch": $0, "loss": 2.0 / Double($0), "train_accuracy": validation, "validation_accuracy": validation * Double($0) / Double(epochs),
             "gradient_norm": 1.0, "seconds": 0.5, "learning_rate": learningRate]
        }
        let result: [String: Any] = [
            "mlplab_version": "test", "run_folder": "/nowhere/runs/\(label.replacingOccurrences(of: " ", with: "-"))",
            "record": try JSONSerialization.jsonObject(with: JSONCoding.encode(record)),
            "split_sizes": ["train": 14, "validation": 2, "test": 4], "epochs": metrics,
            "train_accuracy": validation + 0.01, "test_accuracy": test, "best_validation_accuracy": validation, "best_epoch": epochs,
            "stopped_early": false, "train_per_class": Array(repeating: 0.5, count: 10), "test_per_class": Array(repeating: 0.5, count: 10),
            "test_confusion": Array(repeating: Array(repeating: 0, count: 10), count: 10), "product_precision": "f32",
            "training_seconds": 1.5, "samples_per_second": 100.0, "non_zero_parameters": 226, "parameter_count": 226,
        ]
        return try JSONCoding.decode(StudyRun.self, from: JSONSerialization.data(withJSONObject: ["label": label, "result": result]))
    }

    /// A made-up evaluation of 1,000 images per class with `correct` of each class right.
    static func evaluation(correct: Int, loss: Double) -> Evaluation {
        Evaluation(confusion: (0..<10).map { row in (0..<10).map { $0 == row ? correct : ($0 == (row + 1) % 10 ? 1000 - correct : 0) } },
                   loss: loss)
    }

    /// Part 12: four additions, two long runs and the vote of both (validation 0.789, test 0.779),
    /// `chosen` naming one of the long runs or the vote.
    static func beyond(chosen: String, without: StudyRun) throws -> StudyResult.BeyondPart {
        let additions = try [("flip", 0.7122, 0.7022), ("dropout 0.2", 0.7133, 0.7033), ("adamw", 0.7144, 0.7044),
                             ("adamw flip dropout 0.2", 0.7155, 0.7055)].map {
            try run($0.0, validation: $0.1, test: $0.2, learningRate: 0.05, momentum: 0.5)
        }
        var runs = try [("beyond cosine", 0.7777, 0.7677), ("beyond adamw flip dropout 0.2", 0.7811, 0.7711)].map {
            try run($0.0, validation: $0.1, test: $0.2, learningRate: 0.05, momentum: 0.5, weightDecay: 5e-4, epochs: 8)
        }
        runs[1].result.record.training.optimizer = .adam(weightDecay: 0.05, decoupled: true)
        let vote = StudyResult.EnsembleOutcome(members: [runs[1].label, runs[0].label], validation: evaluation(correct: 789, loss: 0.6),
                                               test: evaluation(correct: 779, loss: 0.7))
        return StudyResult.BeyondPart(additions: additions, without: without, runs: runs, vote: vote, selection: [0.7811, 0.789], chosen: chosen)
    }

    static func result() throws -> StudyResult {
        let coarse = try [0.001, 0.016, 0.064].enumerated().map { try run("lr \($0.element)", validation: 0.60 + 0.01 * Double($0.offset), test: 0.50 + 0.01 * Double($0.offset), learningRate: $0.element) }
        let best = try run("lr 0.05", validation: 0.7001, test: 0.6901, learningRate: 0.05)
        let withMomentum = try run("lr 0.05 momentum 0.5", validation: 0.7301, test: 0.7201, learningRate: 0.05, momentum: 0.5)
        var configuration = StudyConfiguration(preset: .quick, data: DataConfiguration(), hiddenSizes: [8], threads: 1)
        configuration.coarseLearningRates = [0.001, 0.016, 0.064]
        return StudyResult(
            configuration: configuration, dataName: dataset.name, classNames: dataset.classNames, imageWidth: 4, imageHeight: 4,
            splitSizes: SplitSizes(train: 14, validation: 2, test: 4),
            withoutNormalization: try (1...3).map { try run("raw seed \($0)", validation: 0.40 + 0.01 * Double($0), test: 0.30 + 0.01 * Double($0)) },
            withNormalization: try run("baseline", validation: 0.5501, test: 0.5401),
            zeroInitialization: try run("zero init", validation: 0.1001, test: 0.1002),
            learningRate: .init(coarse: coarse, fine: [try run("lr 0.04", validation: 0.6501, test: 0.6401, learningRate: 0.04)],
                                finer: [best], small: coarse[0], large: try run("lr 0.2", validation: 0.5801, test: 0.5701, learningRate: 0.2),
                                best: best),
            batchSize: .init(batch32: try run("batch 32 lr 0.05", validation: 0.6911, test: 0.6811, learningRate: 0.05, batchSize: 32),
                             batch128: try run("batch 128 lr 0.05", validation: 0.6822, test: 0.6722, learningRate: 0.05, batchSize: 128),
                             batch128HighRate: try run("batch 128 lr 0.1", validation: 0.8111, test: 0.8011, learningRate: 0.1, batchSize: 128),
                             batch128LowRate: try run("batch 128 lr 0.01", validation: 0.7222, test: 0.7122, learningRate: 0.01, batchSize: 128),
                             baseline: best),
            momentum: .init(runs: [withMomentum, try run("lr 0.05 momentum 0.9", validation: 0.7101, test: 0.7001, learningRate: 0.05, momentum: 0.9)],
                            without: best, chosen: 0.5),
            epochs: .init(long: try run("6 epochs", validation: 0.7444, test: 0.7344, learningRate: 0.05, momentum: 0.5, epochs: 6), short: withMomentum),
            activation: .init(tanh: try run("tanh", validation: 0.7555, test: 0.7455, learningRate: 0.05, momentum: 0.5),
                              leakyRelu: try run("leaky-relu", validation: 0.7266, test: 0.7166, learningRate: 0.05, momentum: 0.5),
                              relu: withMomentum),
            weightDecay: .init(strong: try run("weight decay 0.1", validation: 0.2333, test: 0.2233, learningRate: 0.05, momentum: 0.5, weightDecay: 0.1),
                               weak: try run("weight decay 0.01", validation: 0.7034, test: 0.6934, learningRate: 0.05, momentum: 0.5, weightDecay: 0.01),
                               without: withMomentum),
            beyond: try beyond(chosen: StudyResult.EnsembleOutcome.label, without: withMomentum),
            choices: .init(learningRate: 0.05, momentum: 0.5), machine: "test machine", engine: "test engine", seconds: 1,
            runsTrained: 20, runsReused: 0)
    }

    @Test("each finding takes its numbers from the run named for them")
    func findingsUseTheNamedRuns() throws {
        let lines = StudyReport.headlines(try Self.result(), dataset: Self.dataset)
        #expect(lines.count == 10)
        // Part 7: lr 0.1 is batchSize.batch128HighRate (0.8111), lr 0.01 batch128LowRate (0.7222).
        #expect(lines.contains("part 7 batch size: At batch 128, lr 0.1 did better than the other rate tried (0.8111 for lr 0.1, 0.7222 for lr 0.01): a larger batch averages away noise and tolerates a larger step."), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("part 6 learning rate: Extremes: lr 0.001 ends epoch 3 at loss 0.6667 and validation 0.6000") && $0.contains("lr 0.2: validation 0.5801, test 0.5701") }, "\(lines)")
        #expect(lines.contains("part 10 activation: Best on validation: tanh; the spread is 0.029."), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("part 11 weight decay:") && $0.contains("with λ = 0.1 that pull overwhelms") && $0.contains("with λ = 0.01 validation is 0.7034 against 0.7301 without") }, "\(lines)")
        #expect(lines.contains("part 8 momentum: Chosen on validation: momentum 0.5."), "\(lines)")
    }

    @Test("the report names the runs in every part, and results.json holds numbers but no SVG or prose")
    func reportAndResultsFromNamedRuns() throws {
        let result = try Self.result()
        let output = try TestSupport.temporaryDirectory().path
        try StudyReport.write(result, dataset: Self.dataset, to: output)
        let markdown = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        #expect(markdown.contains("At the same learning rate, batch 128 takes half the steps of batch 64 per epoch and scored 0.6822 against 0.7001; batch 32 takes twice the steps and scored 0.6911."))
        #expect(markdown.contains("Chosen on validation: **lr 0.05** (validation 0.7001, test 0.6901)."))
        #expect(markdown.contains("Without momentum (lr 0.05): validation 0.7001, test 0.6901."))
        #expect(markdown.contains("6 epochs: validation 0.7444 (best epoch 6) against 0.7301 after 3; test 0.7344."))
        #expect(markdown.contains("relu: validation 0.7301, test 0.7201") && markdown.contains("no weight decay: validation 0.7301, test 0.7201"))
        // Part 12: each addition's run against the best so far, the long runs, the vote, and the choice.
        #expect(markdown.contains("without: validation 0.7301, test 0.7201; a horizontal flip of half the training images (RandomHorizontalFlip): validation 0.7122, test 0.7022; dropout 0.2 after every hidden layer (nn.Dropout): validation 0.7133, test 0.7033; AdamW (lr 0.001, weight decay 0.05) in place of SGD: validation 0.7144, test 0.7044; AdamW with the flip and dropout: validation 0.7155, test 0.7055."))
        #expect(markdown.contains("beyond adamw flip dropout 0.2 (AdamW with the flip and dropout): validation 0.7811, test 0.7711, 8 epochs, kept epoch 8."))
        #expect(markdown.contains("beyond cosine (SGD at lr 0.05, momentum 0.5, weight decay 0.0005): validation 0.7777, test 0.7677"))
        #expect(markdown.contains("one at a time while they raised its accuracy: beyond adamw flip dropout 0.2 (0.7811) + beyond cosine (0.7890). Validation 0.7890, test 0.7790"))
        #expect(markdown.contains("Chosen on validation: the soft vote of beyond adamw flip dropout 0.2 and beyond cosine (validation 0.7890): **test accuracy 0.7790**. The best single model on validation, beyond adamw flip dropout 0.2, scored test 0.7711."))
        // Part 12 compares with PyTorch, a figure from another machine: the sentence says so.
        #expect(markdown.contains("not measured in this run"))
        // Every part, and one chart file per chart.
        #expect((1...12).allSatisfy { markdown.contains("## Part \($0). ") })
        let charts = try FileManager.default.contentsOfDirectory(atPath: output + "/charts")
        #expect(charts.count == 22 && charts.allSatisfy { markdown.contains("(charts/\($0))") }, "\(charts)")

        let json = try String(contentsOfFile: output + "/results.json", encoding: .utf8)
        #expect(!json.contains("<svg") && !json.contains("findings"))
        let decoded = try JSONCoding.decode(StudyResult.self, from: Data(json.utf8))
        #expect(decoded.batchSize.batch128HighRate.result.bestValidationAccuracy == 0.8111)
        #expect(decoded.batchSize.batch128LowRate.result.bestValidationAccuracy == 0.7222)
        #expect(decoded.choices == .init(learningRate: 0.05, momentum: 0.5))
        let voteChart = try String(contentsOfFile: output + "/charts/part12-3.svg", encoding: .utf8)
        #expect(voteChart.contains("the soft vote: test accuracy of each class") && !voteChart.contains(">train<"))
        #expect(decoded.beyond.chosen == "soft vote" && decoded.beyond.vote?.testAccuracy == 0.779 && decoded.beyond.runs.count == 2
                && decoded.beyond.additions.map(\.label) == ["flip", "dropout 0.2", "adamw", "adamw flip dropout 0.2"])
    }

    @Test("Part 12 names the run it chose, with that run's numbers, and draws that run's classes")
    func beyondChoosesARun() throws {
        var result = try Self.result()
        result.beyond = try Self.beyond(chosen: "beyond cosine", without: result.epochs.short)
        let lines = StudyReport.headlines(result, dataset: Self.dataset)
        #expect(lines.contains { $0.hasPrefix("part 12 beyond the assignment: Chosen on validation: beyond cosine (validation 0.7777): test accuracy 0.7677. That is 0.137 short of the aim of 0.905") }, "\(lines)")
        let output = try TestSupport.temporaryDirectory().path
        try StudyReport.write(result, dataset: Self.dataset, to: output)
        let chart = try String(contentsOfFile: output + "/charts/part12-3.svg", encoding: .utf8)
        #expect(chart.contains("beyond cosine: accuracy of each class") && chart.contains(">train<"), "\(chart.prefix(400))")
    }
}
