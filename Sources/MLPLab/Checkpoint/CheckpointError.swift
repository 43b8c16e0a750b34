import Foundation

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
    case otherData(path: String, trainedOn: String, given: String, source: String)
    case alreadyFinished(path: String, epochs: Int, canContinue: Bool)
    case cannotContinue(path: String, epochs: Int, reason: String)
    case cannotWrite(path: String, reason: String)
    /// A folder could not be made at `path` (`Folder.create`): the reason and fix follow errno.
    case cannotCreate(path: String, reason: String, fix: String)
    case folderNotFree(path: String, reason: String, fix: String)
    case damagedRunFile(path: String, reason: String)
    case nonFiniteWeights(path: String, tensor: String)
    case splitDiffers(path: String, reason: String)
    /// A run folder whose model is asked for before the run wrote it: the run was interrupted,
    /// or is still training (model.safetensors is written when training ends).
    case unfinishedRun(path: String)
    /// A model that cannot vote with the others of an ``Ensemble``: another set or order of
    /// classes, or another image size, than `other`'s.
    case cannotVote(path: String, other: String, reason: String)
    /// Run folders voting together whose own test splits differ (another test fraction or
    /// seed), so that no split is the own test split of both.
    case votersSplitsDiffer(path: String, other: String, reason: String)
    /// A file of weights to start a training from (`training.init_from`) that does not fit the
    /// model the options describe.
    case initialWeightsDoNotFit(path: String, reason: String)

    /// The message: what is wrong, with which file, and what to do about it, in one line
    /// whatever the names hold (`OneLine`).
    public var description: String { OneLine.escaped(message) }

    private var message: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read '\(path)': \(reason). Check the path; a model is a .safetensors file or a run folder."
        case let .tooShort(path, _), let .headerTooLarge(path, _), let .headerOutOfFile(path, _, _), let .headerNotUTF8(path),
             let .headerNotJSON(path, _), let .badEntry(path, _, _), let .unknownDType(path, _, _), let .sizeMismatch(path, _, _, _),
             let .offsetsNotContiguous(path, _, _, _), let .fileLengthMismatch(path, _, _), let .missingTensor(path, _),
             let .wrongShape(path, _, _, _), let .badMetadata(path, _, _), let .unexpectedTensor(path, _):
            return "'\(path)': \(problem ?? "damaged"). \(modelFileFix)"
        case let .tooLargeForMemory(path, needed, available, purpose):
            return "'\(path)' needs \(Format.bytes(needed)) of memory \(purpose), and this machine has \(Format.bytes(available)). The file is damaged, or the model is too large for this machine: use one with more memory."
        case let .dataMismatch(path, reason):
            return "the model '\(path)' does not fit this data: \(reason). Use the data the model was trained on, or train a model for this data."
        case let .initialWeightsDoNotFit(path, reason):
            return "cannot start from '\(path)': \(reason). Give the model options that match the file (model.hidden_sizes, the data's image size and classes), or another file."
        case let .imageSizeMismatch(image, width, height, modelWidth, modelHeight):
            return "'\(image)' is \(width)×\(height) pixels but the model takes \(modelWidth)×\(modelHeight) images. Resize it to \(modelWidth)×\(modelHeight) first."
        case let .notARun(path):
            return "'\(path)' is not a run folder (no config.json and checkpoint.safetensors). Give the folder that 'mlplab train' printed, e.g. runs/<name>."
        case let .locked(path, pid):
            return "'\(path)' is in use by another training (process \(pid)). Wait for it to finish, or use another run.name."
        case let .configurationDiffers(path, field, stored, given) where field.hasPrefix("the data's contents"):
            return "cannot resume '\(path)': the data differs from the data that run trained on (fingerprint \(stored) then, \(given) now: images added, removed or changed). Give the run's data as it was, or start a new run with another run.name."
        case let .configurationDiffers(path, field, stored, given):
            return "cannot resume '\(path)': \(field) was \(stored) in that run, \(given) now. Repeat the original command with run.resume, or start a new run with another run.name."
        case let .otherData(path, trainedOn, given, source):
            return "cannot continue '\(path)' on this data: it was trained on \(trainedOn), and the data given is \(given). Give the run's data ('\(source)', or leave the data out), or train this data in a new run with another run.name."
        case let .alreadyFinished(path, epochs, canContinue):
            let more = canContinue ? "Train it further with run.resume '\(path)' training.epochs N (N above \(epochs)), or start" : "Start"
            return "'\(path)' has finished its \(epochs) epoch\(epochs == 1 ? "" : "s"); nothing to resume (its result is in result.json). \(more) a new run with another run.name."
        case let .cannotContinue(path, epochs, reason):
            return "cannot train '\(path)' past its \(epochs) epoch\(epochs == 1 ? "" : "s"): \(reason)."
        case let .damagedRunFile(path, reason):
            let folder = PathName.parent(of: path)
            switch PathName.lastComponent(of: path) {
            case "checkpoint.safetensors":
                return "'\(path)' cannot be used: \(reason). The checkpoint was damaged (a disk or copy error, or an edit): restore it from a backup, or start the run again with another run.name."
            case "model.safetensors", "last.safetensors":
                return "'\(path)' cannot be used: \(reason). The run wrote it there, so it was damaged since (a disk or copy error, or an edit): remove \(folder)/result.json and continue it with run.resume '\(folder)' to write it again from the run's checkpoint, or train the run again with another run.name."
            case let name where TensorBoardEventFile.isEventFileName(name):
                return "'\(path)' cannot be used: \(reason). It holds only the run's TensorBoard curves: move it out of \(folder) and run again; the finished epochs' values are written again from the run's history."
            case "result.json":
                return "'\(path)' cannot be used: \(reason). Remove it and continue the run with run.resume '\(folder)' to write it again from the run's checkpoint."
            default:
                return "'\(path)' cannot be used: \(reason). It was edited or damaged: undo the change, or start a new run with another run.name."
            }
        case let .nonFiniteWeights(path, tensor):
            return "'\(path)': \(tensor) holds nan or infinite weights: the run that wrote it diverged, and its predictions would be nan or meaningless. Use the model of a run that did not diverge (its summary.md says), or train again with a lower training.optimizer.learning_rate."
        case let .splitDiffers(path, reason):
            return "cannot score '\(path)' on its own test split: \(reason). Give the run's data and leave out data.test_fraction and training.seed, or evaluate its model file ('\(path)/model.safetensors') to score any split of any data."
        case let .unfinishedRun(path):
            return "'\(path)' has no model yet: a run writes model.safetensors when its training ends, and this one was interrupted or is still training. Continue it with run.resume '\(path)', or give a finished run or a model file."
        case let .votersSplitsDiffer(path, other, reason):
            return "cannot score the vote of '\(other)' and '\(path)' on their own test split: \(reason), so every split holds images one of them trained on. Vote with their model files ('\(other)/model.safetensors', '\(path)/model.safetensors') to score any split."
        case let .cannotVote(path, other, reason):
            return "'\(path)' cannot vote with '\(other)': \(reason). Vote only with models trained on the same classes, in the same order, and the same image size."
        case let .folderNotFree(path, reason, fix):
            return "cannot use '\(path)': \(reason). \(fix)"
        case let .cannotCreate(path, reason, fix):
            return "cannot create '\(path)': \(reason). \(fix)"
        case let .cannotWrite(path, reason):
            return "cannot write '\(path)': \(reason). Check that the folder is writable and the disk has space; the previous files are intact."
        }
    }

    /// What is wrong with a file's contents, in a few words, without its path or the advice
    /// (which depends on what the file is for: a model someone gave, or a run's own checkpoint);
    /// nil for errors that are not about a file's contents.
    public var problem: String? {
        switch self {
        case let .unreadable(_, reason): return reason
        case let .tooShort(_, size): return "it is not a safetensors file: it has \(size) bytes, fewer than the 8-byte header length"
        case let .headerTooLarge(_, length): return "it declares a \(length)-byte header, more than the 100 MB safetensors allows"
        case let .headerOutOfFile(_, length, fileSize): return "it declares a \(length)-byte header but has only \(fileSize) bytes: it is truncated"
        case .headerNotUTF8: return "its safetensors header is not valid UTF-8"
        case let .headerNotJSON(_, reason): return "its safetensors header is not a JSON object (\(reason))"
        case let .badEntry(_, name, reason): return "tensor '\(name)' is malformed in the header (\(reason))"
        case let .unknownDType(_, name, dtype): return "tensor '\(name)' has dtype '\(dtype)', which MLPLab does not read (F32 only)"
        case let .sizeMismatch(_, name, expected, actual): return "tensor '\(name)' needs \(expected) bytes for its shape but its byte range holds \(actual)"
        case let .offsetsNotContiguous(_, name, expectedStart, actualStart):
            return "tensor '\(name)' starts at byte \(actualStart) of the data, expected \(expectedStart): the byte ranges leave a gap or overlap"
        case let .fileLengthMismatch(_, expected, actual): return "it should be \(expected) bytes long by its header but is \(actual): it is truncated or has extra data"
        case let .missingTensor(_, name): return "it has no tensor '\(name)'"
        case let .wrongShape(_, name, expected, actual): return "tensor '\(name)' has shape \(actual), expected \(expected) from its description"
        case let .badMetadata(_, key, reason): return "metadata '\(key)' \(reason)"
        case let .unexpectedTensor(_, name): return "it holds tensor '\(name)', which the model its metadata (or its run's config.json) describes does not have"
        default: return nil
        }
    }

    /// The advice for a model file (given to predict or evaluate) whose contents are wrong.
    private var modelFileFix: String {
        switch self {
        case .tooShort, .headerTooLarge, .headerNotUTF8, .headerNotJSON, .badEntry:
            return "The file is damaged or not a safetensors file: use a model.safetensors that MLPLab wrote (or the safetensors library)."
        case .headerOutOfFile, .fileLengthMismatch:
            return "The file was cut short or joined with other data: copy it again from where it was written."
        case .unknownDType:
            return "Save the model as float32."
        default:
            return "The file is damaged or is not an MLPLab model: use a model.safetensors that MLPLab wrote, or retrain."
        }
    }
}
