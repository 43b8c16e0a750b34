/// What is wrong with a `mlplab runs` query or the folders it lists; each says what to do.
public enum RunQueryError: Error, CustomStringConvertible, Equatable {
    /// A condition (`RunCondition`) without a key, an operator or a value.
    case malformedCondition(String)
    /// A condition whose operator orders numbers (< > <= >=) but whose value is no
    /// finite number: the expression, and the value.
    case notANumber(String, value: String)
    /// A condition's or sort's key that is no alias and that no listed run holds, with the keys that are valid.
    case unknownKey(String, valid: [String])
    /// A folder to list that does not exist or is not a folder.
    case notAFolder(String)
    /// A folder to compare that holds no config.json.
    case notARunFolder(String)

    public var description: String {
        switch self {
        case let .malformedCondition(text):
            return OneLine.escaped("cannot read the condition '\(text)': write KEY OPERATOR VALUE with one of = != < > <= >=, e.g. lr=0.05 or 'test_accuracy>0.88'.")
        case let .notANumber(text, value):
            return OneLine.escaped("cannot read the condition '\(text)': < > <= >= compare numbers, and '\(value)' is not a finite number. Give one, e.g. 'lr>1e-3', or compare text with = or !=.")
        case let .unknownKey(key, valid):
            return OneLine.escaped("unknown key '\(key)': use one of \(valid.joined(separator: ", ")).")
        case let .notAFolder(path):
            return OneLine.escaped("no folder '\(path)'. Give a folder that holds run folders (runs/ by default), or a run folder.")
        case let .notARunFolder(path):
            return OneLine.escaped("'\(path)' is not a run folder (it has no config.json). Give folders that 'mlplab runs' lists.")
        }
    }
}
