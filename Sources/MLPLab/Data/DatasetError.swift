/// Everything that can be wrong with input data; each description names the thing and the fix.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case notFound(path: String)
    case unknownName(String, known: [String])
    case fashionMNISTMissing(directory: String)
    case unreadable(path: String, reason: String)
    case truncated(path: String, expected: Int, actual: Int)
    case trailingData(path: String, expected: Int)
    case badMagic(path: String, magic: UInt32, expected: UInt32?)
    case badDimensions(path: String, reason: String)
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    case labelOutOfRange(path: String, label: Int, classCount: Int)
    case tooSmall(what: String, count: Int, needed: String)
    case noClassFolders(path: String)
    case emptyClass(path: String)
    /// Every image of a class folder was skipped as unreadable: how many, and the first one's
    /// path (relative to the data folder) and reason.
    case classAllSkipped(path: String, count: Int, example: String, reason: String)
    case cannotDecode(path: String, reason: String)
    case imageTooLarge(path: String, width: Int, height: Int, limit: Int)
    case mixedSizes(sizes: [SizeGroup], mostCommon: String)
    case symlinkLoop(path: String)
    case tooManyFiles(path: String, count: Int, limit: Int)
    case folderTooLarge(path: String, images: Int, width: Int, height: Int, limit: Int)
    /// `data.image_folder.resize` would bring a loaded data set (IDX, Fashion-MNIST) to more bytes
    /// than `data.image_folder.maximum_decoded_bytes` allows, or than the machine has (`byMemory`).
    case resizeTooLarge(source: String, images: Int, width: Int, height: Int, limit: Double, byMemory: Bool)
    /// An image `GrayImage.resized` cannot bring to the `data.image_folder.resize` size (or a model's).
    case cannotResize(path: String, from: ImageSize, to: ImageSize, reason: String)
    case nameNotUTF8(directory: String, escaped: String)
    case classNameNotUTF8(path: String, escaped: String)
    /// An entry of an image folder that is named as an image but cannot be read as a file: a
    /// dangling link, a link loop, a pipe or device, a file or sub-folder without permission.
    case unusableFile(path: String, reason: String, fix: String)
    /// A folder to be written new (`ProductFolder.write`) already exists.
    case folderExists(path: String)
    /// The first of several bad files, and how many more there are.
    indirect case andMore(DatasetError, more: Int)


    /// The message: what is wrong, naming the file or folder, and what to do about it, in one
    /// line whatever the names hold (`OneLine`).
    public var description: String { OneLine.escaped(message) }

    /// Why one file was left out, without its path or the fix: what skipping unreadable files lists.
    public var reason: String {
        switch self {
        case let .cannotDecode(_, reason), let .unreadable(_, reason), let .unusableFile(_, reason, _): OneLine.escaped(reason)
        case let .imageTooLarge(_, width, height, limit): "it claims \(width)×\(height) pixels, more than the limit of \(limit) (data.image_folder.maximum_pixels)"
        case let .cannotResize(_, from, to, reason): "it cannot be resized from \(from.width)×\(from.height) to \(to.width)×\(to.height): \(OneLine.escaped(reason))"
        case .nameNotUTF8: "its name is not valid UTF-8"
        case .symlinkLoop: "a symbolic link back into a folder already being read (a loop)"
        case let .andMore(first, _): first.reason
        default: description
        }
    }

    private var message: String {
        switch self {
        case let .notFound(path):
            return "'\(path)' does not exist. Give an existing folder of images, or the name 'fashion-mnist'."
        case let .unknownName(name, known):
            return "unknown data set '\(name)': it is neither a folder nor a built-in name (\(known.joined(separator: ", "))). Check the spelling or give a path."
        case let .fashionMNISTMissing(directory):
            return "Fashion-MNIST is not in '\(directory)'. Install it with 'apt-get install dataset-fashion-mnist' (or run 'make setup'), or point data.data_directory / MLPLAB_DATA at a folder holding its four IDX files."
        case let .unreadable(path, reason):
            return "cannot read '\(path)': \(reason). Check that the file exists and is readable."
        case let .truncated(path, expected, actual):
            return "'\(path)' is truncated: its header promises \(expected) bytes of data, the file has \(actual). Download or copy it again."
        case let .trailingData(path, expected):
            return "'\(path)' has data after the \(expected) bytes its header promises: it is not a valid IDX file. Download or copy it again."
        case let .badMagic(path, magic, expected):
            let wanted = expected.map { $0 == 2051 ? "2051 (images)" : $0 == 2049 ? "2049 (labels)" : "\($0)" } ?? "2051 (images) or 2049 (labels)"
            return "'\(path)' has magic number \(magic), expected \(wanted): it is not the IDX file of unsigned bytes wanted here. Check that you gave the right file."
        case let .badDimensions(path, reason):
            return "'\(path)' has unusable dimensions: \(reason). Check that you gave the right file."
        case let .countMismatch(images, imageCount, labels, labelCount):
            return "'\(images)' holds \(imageCount) images but '\(labels)' holds \(labelCount) labels. Use the label file that belongs to the image file."
        case let .labelOutOfRange(path, label, classCount):
            return "'\(path)' contains label \(label), outside 0..<\(classCount). Use the label file that belongs to this data set."
        case let .tooSmall(what, count, needed):
            return "\(what) has \(count) samples, \(needed). Use more data or a smaller fraction."
        case let .noClassFolders(path):
            return "'\(path)' has no class folders: put each class's images in a sub-folder named after the class (as torchvision's ImageFolder expects)."
        case let .classAllSkipped(path, count, example, reason):
            return "every image of class folder '\(path)' was skipped as unreadable (\(count) file\(count == 1 ? "" : "s"), e.g. '\(example)': \(reason)), so the class has none left. Fix or replace them, or remove the folder."
        case let .emptyClass(path):
            return "class folder '\(path)' has no images (.jpg .jpeg .png .bmp .pgm .ppm .tga .gif .tif .tiff .webp). Add images or remove the folder."
        case let .cannotDecode(path, reason):
            return "cannot decode '\(path)': \(reason). Remove or replace the file, or pass data.image_folder.skip_unreadable to skip such files."
        case let .imageTooLarge(path, width, height, limit):
            return "'\(path)' claims \(width)×\(height) pixels, more than the limit of \(limit). Remove the file, or raise the limit with data.image_folder.maximum_pixels if it is genuine."
        case let .mixedSizes(sizes, mostCommon):
            let listing = sizes.map { "\($0.size) (\($0.count) file\($0.count == 1 ? "" : "s"), e.g. \($0.examples.joined(separator: ", ")))" }
            return "the images have different sizes: \(listing.joined(separator: "; ")). Pass data.image_folder.resize \(mostCommon) to bring them to one size."
        case let .cannotResize(path, from, to, reason):
            return "cannot resize '\(path)' from \(from.width)×\(from.height) to \(to.width)×\(to.height): \(reason). "
                + "Choose a size closer to the image's, resize that image beforehand, or pass data.image_folder.skip_unreadable to skip such files."
        case let .symlinkLoop(path):
            return "'\(path)' is a symbolic link back into a folder already being read (a loop). Remove the link or point it elsewhere, or pass data.image_folder.skip_unreadable to skip it."
        case let .nameNotUTF8(directory, escaped):
            return "a name in '\(directory)' is not valid UTF-8 ('\(escaped)'). Rename it, or pass data.image_folder.skip_unreadable to skip such files."
        case let .classNameNotUTF8(path, escaped):
            return "a class folder in '\(path)' has a name that is not valid UTF-8 ('\(escaped)'); class names go into the model file as text. Rename the folder."
        case let .folderExists(path):
            return "'\(path)' already exists, and this folder is only ever written new. Remove it, or give another name."
        case let .unusableFile(path, reason, fix):
            return "cannot read '\(path)': \(reason). \(fix), or pass data.image_folder.skip_unreadable to skip such files."
        case let .tooManyFiles(path, count, limit):
            return "'\(path)' holds more image files than the limit of \(limit) (\(count) counted before stopping). Raise it with data.image_folder.maximum_files if that is intended."
        case let .folderTooLarge(path, images, width, height, limit):
            let bytes = Double(images) * Double(width) * Double(height)
            return "'\(path)' would decode to \(Format.bytes(bytes)) (\(images) images of \(width)×\(height)), more than the limit of "
                + "\(Format.bytes(Double(limit))). Raise it with data.image_folder.maximum_decoded_bytes, or shrink the images with data.image_folder.resize."
        case let .resizeTooLarge(source, images, width, height, limit, byMemory):
            let bytes = Double(images) * Double(width) * Double(height)
            let bound = byMemory ? "this machine's memory (\(Format.bytes(limit)))" : "the limit of \(Format.bytes(limit)) (data.image_folder.maximum_decoded_bytes)"
            return "data.image_folder.resize \(width)x\(height) would bring '\(source)' to \(Format.bytes(bytes)) (\(images) images of \(width)×\(height)), more than "
                + "\(bound). Pass a smaller data.image_folder.resize\(byMemory ? "" : ", or raise data.image_folder.maximum_decoded_bytes if the machine has the memory")."
        case let .andMore(first, more):
            return "\(first) (\(more) more file\(more == 1 ? "" : "s") like it.)"
        }
    }
}

/// Images of one size in a folder whose images differ in size.
public struct SizeGroup: Equatable, Sendable {
    /// "60×80" (width × height).
    public var size: String
    /// How many images have this size.
    public var count: Int
    /// A few of the files, relative to the folder.
    public var examples: [String]
}
