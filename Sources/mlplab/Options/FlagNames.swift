import ArgumentParser
import MLPLab

/// The library names a setting by its key in config.json (`training.batch_size`); this tool
/// names it by its flag (`--batch-size`). `terminalText` rewrites the library's messages with
/// this table before they reach the terminal, so that they name what a user of the tool types.
///
/// Public only so that the tests can check it (a release build cannot `@testable import`).
public enum FlagNames {
    /// Each key the library's messages use (see `ConfigurationError`), with this tool's flag.
    /// A switch that sets a key to one value is listed with that value
    /// ("training.input_scaling raw").
    public static let flags: [String: String] = [
        // training: TrainingConfiguration and its OptimizerConfiguration
        "training.optimizer.algorithm": "--optimizer", "training.optimizer.beta1": "--beta1", "training.optimizer.beta2": "--beta2",
        "training.optimizer.eps": "--eps", "training.optimizer.amsgrad": "--amsgrad",
        "training.optimizer.learning_rate": "--lr", "training.optimizer.momentum": "--momentum",
        "training.optimizer.weight_decay": "--weight-decay", "training.optimizer.dampening": "--dampening",
        "training.optimizer.nesterov": "--nesterov", "training.batch_size": "--batch-size", "training.epochs": "--epochs",
        "training.seed": "--seed", "training.threads": "--threads", "training.patience": "--patience",
        "training.schedule": "--schedule", "training.precision": "--precision",
        "training.continue_on_non_finite": "--continue-on-nan", "training.init_from": "--init-from", "training.dropout": "--dropout", "training.augment": "--augment", "training.input_scaling raw": "--no-normalize",
        // data: DataConfiguration and its ImageFolderOptions
        "data.validation_fraction": "--val", "data.test_fraction": "--test", "data.train_limit": "--subset",
        "data.data_directory": "--data-dir", "data.image_folder.resize": "--resize",
        "data.image_folder.skip_unreadable": "--skip-unreadable", "data.image_folder.maximum_pixels": "--max-pixels",
        "data.image_folder.maximum_files": "--max-files", "data.image_folder.maximum_decoded_bytes": "--max-decoded-bytes",
        // model: ModelConfiguration
        "model.input_size": "--inputs", "model.class_count": "--classes", "model.hidden_sizes": "--hidden",
        "model.activation": "--activation", "model.initialization": "--init",
        // not kept in config.json: runs, output, the cache, lr-find
        "run.name": "--name", "run.directory": "--run-dir", "run.resume": "--resume", "output.folder": "--output",
        "output.force": "--force", "output.json": "--json", "cache.folder": "--cache-dir", "cache.off": "--no-cache",
        "lr_find.start": "--start", "lr_find.end": "--end", "lr_find.steps": "--steps",
    ]

    /// `text` from the library with each key that stands alone in it (the setting to change)
    /// written as its flag, except the keys in `kept` (see `SettingNames.renamed`).
    public static func terminalText(_ text: String, keeping kept: Set<String> = []) -> String {
        names.renamed(text, keeping: kept)
    }

    static let names = SettingNames(flags)

    /// An error's message as the terminal shows it: `terminalText` of `message`, except the keys
    /// that are data rather than settings to change: a run query's keys (`RunQueryError`, the
    /// keys `mlplab runs` takes as they are), and the field a resume found changed (config.json's
    /// key, which the user compares with the file).
    public static func terminalMessage(for error: any Error, _ message: String) -> String {
        if error is RunQueryError || error is ValidationError { return message }
        if let error = error as? ConfigurationError { return "Error: " + error.description(renaming: names) }
        if case let .configurationDiffers(_, field, _, _)? = error as? CheckpointError {
            return terminalText(message, keeping: [field])
        }
        return terminalText(message)
    }
}
