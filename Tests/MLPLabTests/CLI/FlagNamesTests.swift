import MLPLab
import Testing
import mlplab

/// The tool's table of flags and the rewrite of the library's messages (`FlagNames`): a
/// terminal user sees the flags they type, a Swift caller the configuration's keys.
struct FlagNamesTests {
    @Test("every key in the table becomes its flag where it stands alone, at the start, mid-sentence and before a full stop")
    func everyKeyMapsToItsFlag() {
        for (key, flag) in FlagNames.flags {
            #expect(flag.hasPrefix("--") && !flag.contains(" "), "\(key) → \(flag)")
            #expect(FlagNames.terminalText("\(key) must be at least 1 (got 0).") == "\(flag) must be at least 1 (got 0).", "\(key)")
            #expect(FlagNames.terminalText("Use \(key) 0.1 or lower, or another \(key).") == "Use \(flag) 0.1 or lower, or another \(flag).", "\(key)")
            #expect(FlagNames.terminalText("(\(key), \(key); x)") == "(\(flag), \(flag); x)", "\(key)")
        }
    }

    @Test("every flag in the table is one the tool takes")
    func everyFlagExists() throws {
        var help = ""
        for command in [["study"], ["train"], ["sweep"], ["lr-find"], ["evaluate"], ["predict"], ["info"], ["runs", "list"], ["model"]] {
            let result = try Tool.run(command + ["--help"])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            help += result.stdout
        }
        for (key, flag) in FlagNames.flags {
            #expect(help.contains(flag + " ") || help.contains(flag + "\n") || help.contains(flag + ","), "\(key) → \(flag) is no option of the tool")
        }
    }

    @Test("text without a key standing alone comes back unchanged: quoted and prefixed keys, paths, longer key paths, other words")
    func otherTextIsUnchanged() {
        for text in ["", "cannot read 'runs/a/config.json': it is truncated. Copy it again.",
                     "config.json' cannot be used: 'training.batch_size' must be at least 1 (got 0)",
                     "'record.training.epochs' must be at least 1", "runs/training.epochs/model.safetensors",
                     "training.optimizer.learning_rates", "training.optimizer", "the training.epochs_done key",
                     "a training.epochs-long run", "`training.epochs`", "training.input_scaling divide-by-255",
                     "ümlaut — training.seedling", "--batch-size must be at least 1 (got 0)."] {
            #expect(FlagNames.terminalText(text) == text, "\(text)")
        }
        #expect(FlagNames.terminalText("training.epochs was 6 in that run, 4 now; another run.name.", keeping: ["training.epochs"])
                == "training.epochs was 6 in that run, 4 now; another --name.")
    }

    @Test("a library error names the key; the terminal names the flag")
    func libraryErrorNamesTheKeyAndTheTerminalTheFlag() {
        var training = TrainingConfiguration()
        training.batchSize = 0
        #expect(throws: ConfigurationError(setting: "training.batch_size", value: "0", rule: "must be at least 1", fix: "the assignment uses 64")) {
            try training.validate()
        }
        let message = "\(ConfigurationError(setting: "training.batch_size", value: "0", rule: "must be at least 1", fix: "the assignment uses 64"))"
        #expect(message == "training.batch_size must be at least 1 (got 0); the assignment uses 64.")
        #expect(FlagNames.terminalText(message) == "--batch-size must be at least 1 (got 0); the assignment uses 64.")
        // A resume's changed field is config.json's key on the terminal too; its advice names flags.
        let differs = CheckpointError.configurationDiffers(path: "runs/a", field: "training.epochs", stored: "6", given: "4")
        let shown = FlagNames.terminalMessage(for: differs, "\(differs)")
        #expect(shown.contains("training.epochs was 6 in that run, 4 now") && shown.contains("--resume") && shown.contains("another --name"), "\(shown)")
        // A run query's keys are the keys it takes.
        let query = RunQueryError.unknownKey("bogus", valid: ["lr", "training.optimizer.learning_rate"])
        #expect(FlagNames.terminalMessage(for: query, "\(query)") == "\(query)")
    }

    @Test("user text stays as typed: quoted paths, names and values, and a ConfigurationError's value, whatever keys they hold; apostrophes do not start a quote")
    func userTextIsNeverRewritten() {
        #expect(FlagNames.terminalText("Continue it with run.resume 'runs/x training.seed', or choose another run.name.")
                == "Continue it with --resume 'runs/x training.seed', or choose another --name.")
        #expect(FlagNames.terminalText("'a b/training.epochs' is the run's folder; lower training.optimizer.learning_rate.")
                == "'a b/training.epochs' is the run's folder; lower --lr.")
        #expect(FlagNames.terminalText("the run's settings and the model's: training.batch_size") == "the run's settings and the model's: --batch-size")
        let error = ConfigurationError(setting: "training.optimizer.learning_rate", value: "training.epochs",
                                       rule: "must be a list or range of numbers", fix: "write 0.01,0.02 for training.optimizer.learning_rate")
        #expect(FlagNames.terminalMessage(for: error, "Error: \(error)")
                == "Error: --lr must be a list or range of numbers (got training.epochs); write 0.01,0.02 for --lr.")
    }

    @Test("a stored record's error quotes every key its rule names, so the terminal shows them as the file's, not as flags")
    func storedRecordErrorKeepsItsKeys() {
        var training = TrainingConfiguration()
        training.optimizer = OptimizerConfiguration(learningRate: 0.1, momentum: 0, nesterov: true)
        do {
            try training.validate()
            Issue.record("nesterov without momentum was accepted")
        } catch let error as ConfigurationError {
            let stored = error.inFile(prefix: "record.").description
            #expect(stored.hasPrefix("'record.training.optimizer.nesterov' needs 'record.training.optimizer.momentum' above 0"), "\(stored)")
            #expect(FlagNames.terminalText(stored) == stored, "\(stored)")
            #expect(!stored.contains("--"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("through the tool, names and values that look like keys stay as typed: a run named training.seed, a sweep value training.epochs")
    func keyLikeUserTextSurvivesTheTool() throws {
        let runs = try TestSupport.temporaryDirectory().path
        let trained = try Tool.run(["train", "fashion-mnist", "--subset", "300", "--epochs", "1", "--hidden", "8",
                                    "--run-dir", runs, "--name", "training.seed"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("run     \(runs)/training.seed") && !trained.stdout.contains("--seed"), "\(trained.stdout)")
        let again = try Tool.run(["train", "--resume", runs + "/training.seed"])
        #expect(again.status == 1 && again.stderr.contains("--resume '\(runs)/training.seed' --epochs N"), "\(again.stderr)")
        let sweep = try Tool.run(["sweep", "fashion-mnist", "--lr", "training.epochs", "-o", runs + "/s"])
        #expect(sweep.status == 64 && sweep.stderr.contains("--lr must be a list or range of numbers (got training.epochs)"), "\(sweep.stderr)")
    }
}
