import Foundation
import MLPLab

/// What `study` and `sweep` share on the terminal: their output folder, shared or not with
/// another process, and their runs' progress lines and Ctrl-C.
enum ExperimentTerminal {
    /// Opens the output folder (rank 0 alone gets it) and says when another process shares it.
    static func open(_ output: String, kind: ReportFolder.Kind, force: Bool) throws -> ReportFolder? {
        let folder = try ReportFolder.open(path: output, kind: kind, force: force, communicator: Ranks.communicator)
        if let note = folder?.sharingNote { Terminal.error(note) }
        return folder
    }

    /// Runs `body` (the study or sweep that trains in `store`) with a line per run and a status
    /// line on the terminal, spread over the MPI ranks; Ctrl-C stops it at a safe point (exit
    /// 130). Then takes the output folder, waiting for any process that shares it, so that the
    /// report can be written. Returns `body`'s result and the progress (runs trained here).
    static func run<T>(_ store: RunStore, planned: Int, folder: ReportFolder?, data: DataOptions,
                       skipped: [ImageFolderReport.SkippedFile], _ body: () throws -> T) async throws -> (T, RunProgress) {
        store.communicator = Ranks.communicator
        if let folder { store.reusedBefore = folder.started }
        store.reportOptions = RunReport.Options(skippedFiles: skipped, settingNames: FlagNames.names)
        store.cacheDirectory = data.cache?.directory
        let progress = RunProgress(planned: planned)
        progress.observe(store, say: Terminal.runStarted, batch: Terminal.batchDone)
        let result = try await Interrupt.stoppingOnSignal({ "stopped at a safe point; finished runs are kept. Run the same command again to continue." }) {
            let result = try body()
            try folder?.claim { holder in Terminal.error(folder!.waitingNote(holder: holder)) }
            return result
        }
        Terminal.clearStatus()
        return (result, progress)
    }

    /// "wrote report/index.html, report.md, results.json" or, when another process sharing the
    /// folder wrote the same report first, "… written by another process sharing the folder".
    static func wrote(_ files: String, _ wrote: Bool) -> String {
        wrote ? "wrote \(files)" : "\(files) written by another process sharing the folder"
    }

    /// "35 runs trained, 0 reused", with "(12 by this process)" when the folder is shared.
    static func counts(_ store: RunStore, _ progress: RunProgress, shared: Bool) -> String {
        "\(store.trained) runs trained\(shared ? " (\(progress.trainedHere) by this process)" : ""), \(store.reused) reused"
    }
}
