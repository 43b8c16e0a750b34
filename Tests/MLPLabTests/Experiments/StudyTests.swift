import MLPLab
import Testing

struct StudyTests {
    @Test("the assignment preset's finer grid is the assignment's: 0.052 … 0.060 around 0.056")
    func assignmentFinerGrid() {
        let fine = [0.032, 0.036, 0.04, 0.044, 0.048, 0.052, 0.056, 0.06, 0.064]
        #expect(Study.finerGrid(around: 0.056, grid: fine, points: 9) == [0.052, 0.053, 0.054, 0.055, 0.056, 0.057, 0.058, 0.059, 0.06])
        #expect(Study.finerGrid(around: 0.096, grid: [0.08, 0.096, 0.112], points: 2) == [0.088, 0.104])
    }
}
