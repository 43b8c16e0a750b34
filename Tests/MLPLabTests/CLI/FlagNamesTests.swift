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
}
