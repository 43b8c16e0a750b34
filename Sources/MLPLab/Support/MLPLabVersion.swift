/// The version of MLPLab, reported by the tool's version option and recorded with every run.
public enum MLPLabVersion {
    /// The version as text, e.g. "0.1.0"; stored as `mlplab_version` in run JSON and model files.
    public static let string = "0.1.0"
}
