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
}
