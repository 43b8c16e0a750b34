import Foundation
import MLPLab
import Testing

struct ModelEvaluationTests {
    @Test("evaluating a run on changed data, or on another --test or --seed, is refused: that split would hold training images")
    func evaluateChecksTheRunsOwnSplit() throws {
        let record = RunContinuationTests.record(epochs: 1)
        let dataset = RunContinuationTests.dataset
        try record.checkOwnTestSplit(of: dataset, data: record.data, seed: record.training.seed, path: "r")
        var other = record.data
        other.testFraction = 0.5
        #expect(throws: CheckpointError.self) { try record.checkOwnTestSplit(of: dataset, data: other, seed: record.training.seed, path: "r") }
        #expect(throws: CheckpointError.self) { try record.checkOwnTestSplit(of: dataset, data: record.data, seed: 99, path: "r") }
        let changed = SyntheticData.quadrants(count: 399)
        do {
            try record.checkOwnTestSplit(of: changed, data: record.data, seed: record.training.seed, path: "r")
            Issue.record("changed data was accepted")
        } catch {
            #expect("\(error)".contains("the data differs") && "\(error)".contains("r/model.safetensors"), "\(error)")
        }
    }
}
