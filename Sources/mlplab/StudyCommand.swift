import ArgumentParser
import Foundation
import MLPLab

struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run the assignment's study (its 11 parts and one beyond) and write a report.",
        discussion: """
            Parts: 1 samples, 2 class distribution, 3 without normalization, 4 with normalization, 5 zero initialization, 6 learning rate (coarse, fine, finer, extremes), 7 batch size, 8 momentum, 9 more epochs, 10 activations, 11 weight decay, 12 beyond: a flip (torchvision's RandomHorizontalFlip), dropout 0.2 (nn.Dropout) and AdamW (torch.optim.AdamW) each added to the best configuration, then SGD and AdamW trained long with a cosine schedule and early stopping, and their soft vote (the mean of their probabilities, as scikit-learn's VotingClassifier(voting='soft')). Choices are made on the validation split.

            Writes <output>/index.html (self-contained), report.md, results.json, charts/, and one run folder per training under <output>/runs/. Running the study again reuses the finished runs and continues an interrupted one (Ctrl-C stops at a safe point). A folder holding files MLPLab did not write is refused, unless --force.

            Presets: standard (Parts 3–11 on 16,000 training images, Part 12's long runs on all; 2.5–3 min on an AMD EPYC Zen 5 with 2 cores), assignment (the assignment's exact grids on all the data), quick (3,000 images, 3 epochs; about a minute).

            Examples:
              mlplab study
              mlplab study --quick -o quick-report
              mlplab study products --preset assignment -o products-report
            """
    )

    @OptionGroup(title: "Data") var dataOptions: DataOptions

    @OptionGroup var folderOptions: ResultFolderOptions
    var output: String { folderOptions.output ?? "report" }

    @Option(parsing: .unconditional, help: ArgumentHelp("standard, assignment or quick.", valueName: "name"))
    var preset: StudyConfiguration.Preset = .standard

    @Flag(help: "Same as --preset quick.")
    var quick = false

    @Flag(help: "Train Parts 3–11 on all training images instead of the preset's subset.")
    var full = false

    @OptionGroup(title: "Model") var widths: WidthOptions
    @OptionGroup(title: "Runs") var runOptions: RunOptions

    var configuration: StudyConfiguration {
        var configuration = StudyConfiguration(preset: quick ? .quick : preset, data: dataOptions.configuration(),
                                               hiddenSizes: widths.hidden?.widths, seed: runOptions.seed ?? 1, threads: runOptions.threadCount)
        if full { configuration.useAllTrainingData() }
        return configuration
    }

    func validate() throws {
        if quick && preset != .standard { throw ValidationError("--quick is --preset quick; give one of them.") }
        if full && dataOptions.subset != nil {
            throw ValidationError("--full trains Parts 3–11 on all training images and --subset on \(dataOptions.subset!); give one of them.")
        }
        try checked { try configuration.validate() }
    }

    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let folder = try ExperimentTerminal.open(output, kind: .study, force: folderOptions.force)
        let configuration = configuration
        let (dataset, skipped) = try dataOptions.loadReporting(dataOptions.configuration(), threads: runOptions.threadCount)
        if Ranks.isLeader {
            let spread = Ranks.communicator.map { " over \($0.size) processes, \(configuration.threads) thread\(configuration.threads == 1 ? "" : "s") each" } ?? ""
            Terminal.error("study of \(dataset.name) (\(configuration.preset.rawValue)): \(configuration.plannedRuns) runs into \(output)/\(spread)")
        }
        let study = Study(dataset: dataset, configuration: configuration, runsDirectory: output + "/runs")
        let (result, progress) = try await ExperimentTerminal.run(study.store, planned: configuration.plannedRuns, folder: folder,
                                                                  data: dataOptions, skipped: skipped) { try study.run() }
        guard let folder else { return }  // rank 0 writes the report
        let wrote = try StudyReport.writeOnce(result, dataset: dataset, into: folder, settingNames: FlagNames.names)
        let counts = ExperimentTerminal.counts(study.store, progress, shared: folder.sharedWith != nil)
        print("\(ExperimentTerminal.wrote("\(output)/index.html, report.md, results.json", wrote)): \(StudyReport.partCount) parts, \(counts), \(Format.duration((clock.now - start).seconds))")
        for headline in StudyReport.headlines(result, dataset: dataset, settingNames: FlagNames.names) {
            print("  \(headline)")
        }
    }
}

extension StudyConfiguration.Preset: ExpressibleByArgument {}
