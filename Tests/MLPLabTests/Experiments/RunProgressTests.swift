import Foundation
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

    @Test("runs another process holds or trained get lines that say so; the estimate counts the runs not yet seen, whatever their numbers")
    func linesForRunsOfOtherProcesses() {
        let progress = RunProgress(planned: 4)
        #expect(progress.line(for: .waiting(number: 2, label: "lr 0.1", holder: "812")) == "[2/4] lr 0.1: waiting for process 812, which holds it")
        #expect(progress.line(for: .trainedElsewhere(number: 2, label: "lr 0.1")) == "[2/4] lr 0.1 (trained by another process)")
        #expect(progress.line(for: .takingOver(number: 3, label: "lr 0.2", holder: "812"))
                == "[3/4] lr 0.2: process 812 let go of it unfinished; continuing it here")
        // Runs go longest first: the last-numbered run can come first. After run 4 (1.2 s) and
        // run 2 (trained elsewhere), run 1 starts: one run is left (3), not three (2, 3, 4).
        _ = progress.started(number: 4, label: "beyond", epochs: 1, reused: false)
        usleep(1_200_000)
        _ = progress.line(for: .trainedElsewhere(number: 2, label: "lr 0.1"))
        _ = progress.started(number: 1, label: "lr 0.01", epochs: 1, reused: false)
        #expect(progress.status(epoch: 1, batch: 1, batchCount: 2) == "  run 1/4 lr 0.01: epoch 1/1, batch 1/2  ETA 1 s")
    }
}
