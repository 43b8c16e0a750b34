/// What can be wrong with a model file, a checkpoint or a run folder; each names the file and
/// what to do.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    // safetensors rules, as strict as the reference implementation
    case unreadable(path: String, reason: String)
    case tooShort(path: String, size: Int)
    case headerTooLarge(path: String, length: UInt64)
    case headerOutOfFile(path: String, length: UInt64, fileSize: Int)
    case headerNotUTF8(path: String)
    case headerNotJSON(path: String, reason: String)
    case badEntry(path: String, name: String, reason: String)
    case unknownDType(path: String, name: String, dtype: String)
    case sizeMismatch(path: String, name: String, expected: Int, actual: Int)
    case offsetsNotContiguous(path: String, name: String, expectedStart: Int, actualStart: Int)
    case fileLengthMismatch(path: String, expected: Int, actual: Int)
    // model files
    case missingTensor(path: String, name: String)
    case wrongShape(path: String, name: String, expected: [Int], actual: [Int])
    case badMetadata(path: String, key: String, reason: String)
    case unexpectedTensor(path: String, name: String)
    case tooLargeForMemory(path: String, neededBytes: Double, availableBytes: Double, purpose: String)
    case dataMismatch(path: String, reason: String)
    case imageSizeMismatch(image: String, width: Int, height: Int, modelWidth: Int, modelHeight: Int)
    // run folders
    case notARun(path: String)
    case locked(path: String, pid: String)
    case configurationDiffers(path: String, field: String, stored: String, given: String)
    case alreadyFinished(path: String, epochs: Int, canContinue: Bool)
    case cannotContinue(path: String, epochs: Int, reason: String)
    case cannotWrite(path: String, reason: String)
    case folderNotFree(path: String, reason: String, fix: String)
    case damagedRunFile(path: String, reason: String)

    /// The message: what is wrong, with which file, and what to do about it, in one line
    /// whatever the names hold (`OneLine`).
    public var description: String { OneLine.escaped(message) }

    private var message: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read '\(path)': \(reason). Check the path; a model is a .safetensors file or a run folder."
        case let .tooShort(path, size):
            return "'\(path)' is not a safetensors file: it has \(size) bytes, fewer than the 8-byte header length. Use a file written by MLPLab or the safetensors library."
        case let .headerTooLarge(path, length):
            return "'\(path)' declares a \(length)-byte header, more than the 100 MB safetensors allows. The file is damaged or not a safetensors file."
        case let .headerOutOfFile(path, length, fileSize):
            return "'\(path)' declares a \(length)-byte header but the file has only \(fileSize) bytes. The file is truncated; copy it again."
        case let .headerNotUTF8(path):
            return "'\(path)': the safetensors header is not valid UTF-8. The file is damaged; copy it again."
        case let .headerNotJSON(path, reason):
            return "'\(path)': the safetensors header is not a JSON object (\(reason)). The file is damaged; copy it again."
        case let .badEntry(path, name, reason):
            return "'\(path)': tensor '\(name)' is malformed in the header (\(reason)). The file is damaged or was written by a broken tool."
        case let .unknownDType(path, name, dtype):
            return "'\(path)': tensor '\(name)' has dtype '\(dtype)', which MLPLab does not read (F32 only). Save the model as float32."
        case let .sizeMismatch(path, name, expected, actual):
            return "'\(path)': tensor '\(name)' needs \(expected) bytes for its shape but its byte range holds \(actual). The file is damaged."
        case let .offsetsNotContiguous(path, name, expectedStart, actualStart):
            return "'\(path)': tensor '\(name)' starts at byte \(actualStart) of the data, expected \(expectedStart): the byte ranges leave a gap or overlap. The file is damaged."
        case let .fileLengthMismatch(path, expected, actual):
            return "'\(path)' should be \(expected) bytes long by its header but is \(actual). The file is truncated or has extra data; copy it again."
        case let .missingTensor(path, name):
            return "'\(path)' has no tensor '\(name)': it is not an MLPLab model of this shape. Use a model.safetensors that MLPLab wrote."
        case let .wrongShape(path, name, expected, actual):
            return "'\(path)': tensor '\(name)' has shape \(actual), expected \(expected) from the model's metadata. The file is inconsistent; retrain or re-export it."
        case let .badMetadata(path, key, reason):
            return "'\(path)': metadata '\(key)' \(reason). Use a model.safetensors that MLPLab wrote."
        case let .unexpectedTensor(path, name):
            return "'\(path)' holds tensor '\(name)', which the model its metadata (or its run's config.json) describes does not have: the file and its description disagree. Use the file MLPLab wrote for this model."
        case let .tooLargeForMemory(path, needed, available, purpose):
            return "'\(path)' needs \(Format.bytes(needed)) of memory \(purpose), and this machine has \(Format.bytes(available)). The file is damaged, or the model is too large for this machine: use one with more memory."
        case let .dataMismatch(path, reason):
            return "the model '\(path)' does not fit this data: \(reason). Use the data the model was trained on, or train a model for this data."
        case let .imageSizeMismatch(image, width, height, modelWidth, modelHeight):
            return "'\(image)' is \(width)×\(height) pixels but the model takes \(modelWidth)×\(modelHeight) images. Resize it to \(modelWidth)×\(modelHeight) first."
        case let .notARun(path):
            return "'\(path)' is not a run folder (no config.json and checkpoint.safetensors). Give the folder that 'mlplab train' printed, e.g. runs/<name>."
        case let .locked(path, pid):
            return "'\(path)' is in use by another training (process \(pid)). Wait for it to finish, or use another --name."
        case let .configurationDiffers(path, field, stored, given):
            return "cannot resume '\(path)': \(field) was \(stored) in that run, \(given) now. Repeat the original command with --resume, or start a new run with another --name."
        case let .alreadyFinished(path, epochs, canContinue):
            let more = canContinue ? "Train it further with --resume \(path) --epochs N (N above \(epochs)), or start" : "Start"
            return "'\(path)' has finished its \(epochs) epoch\(epochs == 1 ? "" : "s"); nothing to resume (its result is in result.json). \(more) a new run with another --name."
        case let .cannotContinue(path, epochs, reason):
            return "cannot train '\(path)' past its \(epochs) epoch\(epochs == 1 ? "" : "s"): \(reason)."
        case let .damagedRunFile(path, reason):
            return "'\(path)' cannot be used: \(reason). It was edited or damaged: undo the change, or start a new run with another --name."
        case let .folderNotFree(path, reason, fix):
            return "cannot use '\(path)': \(reason). \(fix)"
        case let .cannotWrite(path, reason):
            return "cannot write '\(path)': \(reason). Check that the folder is writable and the disk has space; the previous files are intact."
        }
    }
}
