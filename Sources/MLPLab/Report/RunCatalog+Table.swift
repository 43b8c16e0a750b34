/// `mlplab runs`' table: one line per run folder.
extension RunCatalog {
    /// Name, data, model widths, learning rate, momentum, weight decay, batch size, epochs trained
    /// of those asked, status, best validation accuracy, test accuracy, training time and precision;
    /// "–" where a run has no value (an unfinished run's test accuracy, a damaged run's settings).
    public var table: TextTable {
        TextTable(header: ["name", "data", "model", "lr", "momentum", "weight decay", "batch", "epochs", "status",
                           "best val", "test", "time", "precision"],
                  rows: runs.map(\.tableRow))
    }

    /// The table, then one line per damaged run with what is wrong; a sentence when there are no runs.
    /// Folders that could not be read follow, one line each, so that no run is left out unsaid.
    public var text: String {
        let notes = runs.compactMap(\.damageNote) + unreadableNotes
        guard !runs.isEmpty else { return (["No run folders found."] + notes).joined(separator: "\n") }
        return ([table.text] + (notes.isEmpty ? [] : [""] + notes)).joined(separator: "\n")
    }

    /// "cannot read: NAME: reason. …" for each folder that could not be searched.
    public var unreadableNotes: [String] {
        unreadableFolders.map { "cannot read: \($0). Runs in it are not listed: give yourself read permission, or list another folder." }
    }
}

extension StoredRun {
    /// "damaged: NAME: what is wrong", for a damaged run, in one line: the name is a folder's and
    /// may hold anything but "/" (a newline, an escape sequence), so it is escaped (``OneLine``) as
    /// a table cell is.
    public var damageNote: String? {
        problem.map { "damaged: \(OneLine.escaped(name)): \(OneLine.escaped($0))" }
    }

    /// This run's line of `RunCatalog.table`.
    var tableRow: [String] {
        let dash = "–"
        guard let record, status != .damaged else { return [name] + Array(repeating: dash, count: 7) + [status.rawValue] + Array(repeating: dash, count: 4) }
        let optimizer = record.training.optimizer
        return [name, record.data.source, record.model.shapeDescription, Format.significant(optimizer.learningRate),
                Format.significant(optimizer.momentum), Format.significant(optimizer.weightDecay), String(record.training.batchSize),
                "\(epochs.count)/\(record.training.epochs)", status.rawValue, Format.number(bestValidationAccuracy), Format.number(result?.testAccuracy),
                Format.duration(trainingSeconds), (result?.productPrecision ?? record.training.precision).rawValue]
    }
}
