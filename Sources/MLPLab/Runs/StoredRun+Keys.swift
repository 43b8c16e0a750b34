/// The keys `mlplab runs` filters and sorts by: short names, and any key path of the
/// run's config.json or result.json as the file spells it.
extension StoredRun {
    /// Short names and the key path each stands for: config.json's (`lr` is
    /// `training.optimizer.learning_rate`) or result.json's (`test_accuracy`).
    public static let keyAliases: [String: String] = [
        "lr": "training.optimizer.learning_rate", "momentum": "training.optimizer.momentum",
        "weight_decay": "training.optimizer.weight_decay", "nesterov": "training.optimizer.nesterov",
        "batch_size": "training.batch_size", "batch": "training.batch_size", "epochs": "training.epochs",
        "seed": "training.seed", "patience": "training.patience", "precision": "training.precision",
        "hidden": "model.hidden_sizes", "activation": "model.activation", "data": "data.source",
        "test_accuracy": "test_accuracy", "best_validation_accuracy": "best_validation_accuracy",
        "train_accuracy": "train_accuracy", "training_seconds": "training_seconds", "best_epoch": "best_epoch",
        "samples_per_second": "samples_per_second",
    ]

    /// Keys of the listing itself rather than of a file: `name`, `path`, `status`, `epochs_done`.
    public static let listingKeys = ["name", "path", "status", "epochs_done"]

    /// The value of `key` for this run: a listing key, an alias, then the key path in config.json,
    /// then in result.json; nil when the run has none (an unfinished run has no `test_accuracy`)
    /// or the key names an object rather than a value.
    public func value(for key: String) -> JSONValue? {
        switch key {
        case "name": return .text(name)
        case "path": return .text(path)
        case "status": return .text(status.rawValue)
        case "epochs_done": return status == .damaged ? nil : .number(Double(epochs.count))
        default: break
        }
        let path = (Self.keyAliases[key] ?? key).split(separator: ".").map(String.init)
        func walk(_ value: JSONValue?) -> JSONValue? {
            // An object is no value to compare or sort by (`training`, or "" for the whole file):
            // nil, so that `checkKey` names the keys to use instead.
            path.reduce(value) { value, key in value?[key] }.flatMap { value in
                if case .object = value { return nil }
                return value == .null ? nil : value
            }
        }
        return walk(storedConfiguration) ?? walk(storedResult)
    }

    /// The key paths this run's files hold, leaves only (see `JSONValue.leaves`), without
    /// result.json's copy of the record (config.json's keys name the same settings).
    public var storedKeys: Set<String> {
        var keys = Set(storedConfiguration?.leaves.keys.map { $0 } ?? [])
        if case var .object(result)? = storedResult {
            result["record"] = nil
            keys.formUnion(JSONValue.object(result).leaves.keys)
        }
        return keys
    }
}
