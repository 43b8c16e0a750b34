import MLPLab
import Testing

/// `RunProgress`: the lines a study or sweep shows as its runs go.
struct RunProgressTests {
    @Test("a run's start line numbers it among the planned runs and marks a reused one; the status names the run, its epoch and batch, and no estimate before a run was trained")
    func linesNameTheRunAndItsPlace() {
        let progress = RunProgress(planned: 32)
        #expect(progress.started(number: 1, label: "lr 0.1", epochs: 3, reused: false) == "[1/32] lr 0.1")
        #expect(progress.status(epoch: 2, batch: 7, batchCount: 50) == "  run 1/32 lr 0.1: epoch 2/3, batch 7/50  ETA ?")
        #expect(progress.started(number: 2, label: "lr 0.2", epochs: 5, reused: true) == "[2/32] lr 0.2 (reused)")
        // The first run took well under a second (read back or tiny): it does not count for the estimate.
        #expect(progress.status(epoch: 1, batch: 1, batchCount: 10) == "  run 2/32 lr 0.2: epoch 1/5, batch 1/10  ETA ?")
    }
}
