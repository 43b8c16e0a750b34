import ArgumentParser
import MLPLab

@main
struct MLPLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlplab",
        abstract: "Train and study multi-layer perceptron image classifiers on the CPU.",
        discussion: """
            Examples:
              mlplab study                                  (the assignment's study → report/index.html)
              mlplab train fashion-mnist --epochs 10
              mlplab make-product-folder products && mlplab train products --epochs 2
              mlplab doctor
            """,
        version: MLPLabVersion.string,
        subcommands: [StudyCommand.self, TrainCommand.self, SweepCommand.self, LRFindCommand.self, EvaluateCommand.self, PredictCommand.self, InfoCommand.self, RunsCommand.self, SamplesCommand.self, DistributionCommand.self, ModelCommand.self, MakeProductFolderCommand.self, DoctorCommand.self]
    )

    /// Starts MPI first when a launcher started this process (see `Ranks`).
    static func main() async {
        await Ranks.main(self)
    }
}
