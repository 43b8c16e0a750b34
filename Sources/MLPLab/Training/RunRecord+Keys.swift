extension ConfigurationError {
    /// Where each command-line setting is kept in a run's config.json.
    static let storedKeys: [String: String] = [
        "--lr": "training.optimizer.learning_rate", "--momentum": "training.optimizer.momentum",
        "--weight-decay": "training.optimizer.weight_decay", "--dampening": "training.optimizer.dampening",
        "--nesterov": "training.optimizer.nesterov", "--batch-size": "training.batch_size", "--epochs": "training.epochs",
        "--threads": "training.threads", "--patience": "training.patience",
        "--val": "data.validation_fraction", "--test": "data.test_fraction", "--subset": "data.train_limit",
        "--max-pixels": "data.image_folder.maximum_pixels", "--max-files": "data.image_folder.maximum_files",
        "--max-decoded-bytes": "data.image_folder.maximum_decoded_bytes", "--resize": "data.image_folder.resize",
        "--inputs": "model.input_size", "--classes": "model.class_count", "--hidden": "model.hidden_sizes",
        "--hidden (layers)": "model.hidden_sizes", "model input size": "model.input_size", "model class count": "model.class_count",
    ]

    /// The error as it applies to a stored record (config.json, or result.json's `record`): the
    /// setting named by its key there, 'training.batch_size' rather than --batch-size, with
    /// `prefix` ("record.") before it, and without the command line's fix.
    public func inStoredRecord(prefix: String = "") -> ConfigurationError {
        guard let key = Self.storedKeys[setting] else { return self }
        return ConfigurationError(setting: "'\(prefix)\(key)'", value: value, rule: rule)
    }
}

extension RunRecord {
    /// The checkpoint's mark of the record it was trained under: `configurationKey` with
    /// `training.epochs` left out, since training a run further (`continueRun`) rewrites only
    /// that. A config.json whose key differs from its checkpoint's was edited since.
    public var checkpointKey: String {
        var record = self
        record.training.epochs = 0
        return record.configurationKey
    }
}
