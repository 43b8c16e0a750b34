import Foundation
import MLPLab
import Testing

/// `BatchLoader.gather` is public (a Swift program calls `TrainingRun.step` or
/// `Classifier.evaluate` with its own indices). The issue-23 audit found that an index outside the
/// data set read `featureCount` bytes past its pixels, and a label outside its classes indexed the
/// logits and the confusion matrix: both now stop at a precondition that names them.
struct BatchLoaderTests {
    static let dataset = Dataset(name: "d", classNames: ["a", "b"], imageWidth: 2, imageHeight: 1,
                                 pixels: [0, 255, 51, 102], labels: [1, 0])

    @Test("gather writes each sample's scaled pixels and label into its row")
    func gatherWritesRows() {
        let input = FloatBuffer(count: 4)
        var labels = [Int32](repeating: -1, count: 2)
        BatchLoader.gather([1, 0], from: Self.dataset, scaling: .unitRange, into: Matrix(input.base, rows: 2, columns: 2), labels: &labels)
        #expect(input.array == [Float(51) / 255, Float(102) / 255, 0, 1] && labels == [0, 1])
    }

    @Test("an index outside the data set stops at a precondition instead of reading past its pixels")
    func indexOutsideTheDataSetStops() async {
        await #expect(processExitsWith: .failure) {
            let input = FloatBuffer(count: 4)
            var labels = [Int32](repeating: 0, count: 2)
            BatchLoader.gather([0, 2], from: BatchLoaderTests.dataset, scaling: .raw, into: Matrix(input.base, rows: 2, columns: 2), labels: &labels)
        }
    }

    @Test("a label outside the data set's classes stops at a precondition")
    func labelOutsideTheClassesStops() async {
        await #expect(processExitsWith: .failure) {
            var dataset = BatchLoaderTests.dataset
            dataset.labels[1] = 2
            let input = FloatBuffer(count: 4)
            var labels = [Int32](repeating: 0, count: 2)
            BatchLoader.gather([0, 1], from: dataset, scaling: .raw, into: Matrix(input.base, rows: 2, columns: 2), labels: &labels)
        }
    }
}
