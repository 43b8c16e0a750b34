/// The version of MLPLab, reported by `--version` and recorded with every run.
public enum MLPLabVersion {
    public static let string = "0.1.0"
}
