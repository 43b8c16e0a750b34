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
