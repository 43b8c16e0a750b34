import Foundation
import MLPLab
import Testing

struct SweepGridTests {
    @Test("a grid expands every combination, learning rate fastest, labels naming what varies")
    func pointsAndLabels() throws {
        let grid = try SweepGrid(learningRates: "0.01,0.02", momenta: "0,0.9", batchSizes: "32")
        #expect(grid.count == 4)
        let model = ModelConfiguration(inputSize: 4, hiddenSizes: [3], classCount: 2)
        let points = grid.points(model: model, training: TrainingConfiguration())
        #expect(points.map(\.label) == ["lr 0.01 momentum 0.0 batch 32", "lr 0.02 momentum 0.0 batch 32",
                                        "lr 0.01 momentum 0.9 batch 32", "lr 0.02 momentum 0.9 batch 32"])
        #expect(points.map(\.training.optimizer.learningRate) == [0.01, 0.02, 0.01, 0.02])
        #expect(points.allSatisfy { $0.training.batchSize == 32 && $0.model == model })
    }

    @Test("--optimizer sgd,adam is one grid: SGD's points take every momentum, Adam's and AdamW's none, each valid as torch.optim's")
    func optimizersInOneGrid() throws {
        let grid = try SweepGrid(learningRates: "0.001,0.01", momenta: "0,0.9", optimizers: "sgd,adam,adamw")
        #expect(grid.count == 4 + 2 + 2)
        let points = grid.points(model: ModelConfiguration(inputSize: 4, hiddenSizes: [3], classCount: 2), training: TrainingConfiguration())
        #expect(points.count == grid.count)
        #expect(points.map(\.label) == ["sgd lr 0.001 momentum 0.0", "sgd lr 0.01 momentum 0.0", "sgd lr 0.001 momentum 0.9", "sgd lr 0.01 momentum 0.9",
                                        "adam lr 0.001", "adam lr 0.01", "adamw lr 0.001", "adamw lr 0.01"])
        for point in points { try point.training.validate() }
        #expect(points.map(\.training.optimizer.algorithm) == [.sgd, .sgd, .sgd, .sgd, .adam, .adam, .adamw, .adamw])
        #expect(points.last?.training.optimizer.weightDecay == 0, "the grid's weight decays apply to AdamW too")
        #expect(throws: ConfigurationError.self) { try SweepGrid(optimizers: "sgd,rmsprop") }
        // Alone, SGD keeps the labels (and so the run folders) it always had.
        #expect(try SweepGrid(learningRates: "0.01").points(model: ModelConfiguration(inputSize: 4, hiddenSizes: [3], classCount: 2),
                                                           training: TrainingConfiguration()).map(\.label) == ["lr 0.01"])
    }

    @Test("a value no training accepts names its setting's key", arguments: [
        ("training.optimizer.learning_rate", "0,0.1"), ("training.optimizer.momentum", "1.5"), ("training.optimizer.weight_decay", "-1"),
        ("training.batch_size", "1e300"), ("training.batch_size", "0.5"), ("model.activation", ""), ("training.optimizer.learning_rate", "abc"),
    ])
    func badValuesAreNamed(option: String, text: String) {
        do {
            switch option {
            case "training.optimizer.learning_rate": _ = try SweepGrid(learningRates: text)
            case "training.optimizer.momentum": _ = try SweepGrid(momenta: text)
            case "training.optimizer.weight_decay": _ = try SweepGrid(weightDecays: text)
            case "training.batch_size": _ = try SweepGrid(batchSizes: text)
            default: _ = try SweepGrid(activations: text)
            }
            Issue.record("\(option) \(text) was accepted")
        } catch let error as ConfigurationError {
            #expect(error.setting == option, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("more than 500 combinations are refused")
    func tooLarge() {
        #expect(throws: ConfigurationError.self) { try SweepGrid(learningRates: "0.001:0.5:+0.001", momenta: "0,0.5,0.9") }
    }

    @Test("docs/data.md states both limits as the code has them: values per list or range, combinations per sweep")
    func documentationStatesTheLimits() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../docs/data.md").standardizedFileURL
        let text = try String(contentsOf: page, encoding: .utf8).replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("range up to \(Format.grouped(Double(ValueList.maximumCount))) values"), "docs/data.md: ranges")
        #expect(text.contains("a sweep up to \(SweepGrid.maximumCount) combinations"), "docs/data.md: sweep combinations")
    }
}
