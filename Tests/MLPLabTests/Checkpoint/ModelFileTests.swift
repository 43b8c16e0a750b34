import Foundation
import MLPLab
import Testing

/// A model file's metadata comes from a file: every number in it is checked as a typed one, and
/// against the tensors, before anything it sizes is allocated (issue 14 #4: a claimed width of
/// 10¹¹, an input size overflowing Int, 200 layers of a million trapped in `predict`).
struct ModelFileTests {
    /// The file of a 2×2-input, 3-unit, 2-class model, as MLPLab writes it.
    static func file() -> SafeTensors {
        let model = MLP(configuration: ModelConfiguration(inputSize: 4, hiddenSizes: [3], classCount: 2))
        model.initialize(seed: 1)
        return ModelFile(model: model, classNames: ["a", "b"], imageWidth: 2, imageHeight: 2, inputScaling: .unitRange).safeTensors
    }

    @Test("metadata out of range is refused, naming the key, before anything it sizes is allocated", arguments: [
        ("hidden_sizes", "[100000000000]", "hidden_sizes"),
        ("hidden_sizes", String(repeating: "1000000,", count: 199).appending("1000000").wrapped, "hidden_sizes"),
        ("hidden_sizes", String(repeating: "3,", count: 64).appending("3").wrapped, "hidden_sizes"),
        ("hidden_sizes", "[-3]", "hidden_sizes"),
        ("hidden_sizes", "[0]", "hidden_sizes"),
        ("hidden_sizes", "[3.5]", "hidden_sizes"),
        ("hidden_sizes", "[1e30]", "hidden_sizes"),
        ("input_width", "3037000500", "input_width/input_height"),
        ("input_width", "4611686018427387904", "input_width"),
        ("input_width", "0", "input_width"),
        ("input_width", "-2", "input_width"),
        ("input_width", "nan", "input_width"),
        ("classes", "[]", "classes"),
        ("classes", "{}", "classes"),
        ("activation", "swish", "activation"),
    ])
    func metadataOutOfRangeIsRefused(key: String, value: String, named: String) throws {
        var file = Self.file()
        file.metadata[key] = value
        if key == "input_width" && value == "3037000500" { file.metadata["input_height"] = value }  // 3037000500² > Int.max
        #expect {
            try ModelFile(file, path: "m.safetensors")
        } throws: { error in
            guard case let CheckpointError.badMetadata(path, key, _)? = error as? CheckpointError else { return false }
            return path == "m.safetensors" && key == named
        }
    }

    @Test("a model trained with --resize records it as resized_to; a file without the key reads as not resized (adversarial 13)")
    func resizeIsRecorded() throws {
        let plain = try ModelFile(Self.file(), path: "m.safetensors")
        #expect(!plain.resized && Self.file().metadata[ModelFile.resizedKey] == nil)
        var resized = plain
        resized.resized = true
        let file = resized.safeTensors
        #expect(file.metadata[ModelFile.resizedKey] == "2x2")
        #expect(try ModelFile(file, path: "m.safetensors").resized)
    }

    @Test("a resized_to that is not the input size is refused, naming the key", arguments: ["3x3", "2x2x2", "", "2X2 ", "1e1x2"])
    func badResizeIsRefused(value: String) throws {
        var file = Self.file()
        file.metadata[ModelFile.resizedKey] = value
        #expect(throws: CheckpointError.badMetadata(path: "m.safetensors", key: ModelFile.resizedKey,
                                                    reason: "is not the input size 2x2 written as WIDTHxHEIGHT")) {
            try ModelFile(file, path: "m.safetensors")
        }
    }

    @Test("metadata that disagrees with the tensors is refused, naming the tensor", arguments: [
        ("hidden_sizes", "[1000000]", "layer1.weight"),   // in range, but the file holds 3 units
        ("hidden_sizes", "[]", "layer2.weight"),          // fewer layers than the file holds
        ("hidden_sizes", "[3,3]", "layer2.weight"),       // more layers than the file holds
        ("classes", "[\"a\",\"b\",\"c\"]", "layer2.weight"),
        ("input_height", "3", "layer1.weight"),
    ])
    func metadataDisagreeingWithTensorsIsRefused(key: String, value: String, tensor: String) throws {
        var file = Self.file()
        file.metadata[key] = value
        #expect {
            try ModelFile(file, path: "m.safetensors")
        } throws: { error in
            switch error as? CheckpointError {
            case let .wrongShape(_, name, _, _)?, let .missingTensor(_, name)?, let .unexpectedTensor(_, name)?: return name == tensor
            default: return false
            }
        }
    }

    @Test("a tensor the metadata does not describe is refused")
    func extraTensorIsRefused() throws {
        var file = Self.file()
        file.tensors.append(.init(name: "layer3.weight", shape: [1], values: [0]))
        #expect(throws: CheckpointError.unexpectedTensor(path: "m", name: "layer3.weight")) { try ModelFile(file, path: "m") }
    }

    @Test("a model too large for the memory given is refused before it is built; with enough memory it loads")
    func classifierWeighsTheModelFirst() throws {
        // 1 input, 20,000 hidden units, 1 class: 240 kB of weights, but 82 MB of activations for
        // 1,024 images at a time.
        let model = MLP(configuration: ModelConfiguration(inputSize: 1, hiddenSizes: [20_000], classCount: 1))
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("wide.safetensors").path
        try ModelFile(model: model, classNames: ["only"], imageWidth: 1, imageHeight: 1, inputScaling: .unitRange).write(to: path)
        let needed = MemoryBudget.classifierBytes(model: model.configuration)
        #expect(needed > 64e6 && needed < 100e6)
        #expect {
            try Classifier(contentsOf: path, threads: 1, availableMemory: 64e6)
        } throws: { error in
            guard case let CheckpointError.tooLargeForMemory(errorPath, bytes, available, _)? = error as? CheckpointError else { return false }
            return errorPath == path && bytes == needed && available == 64e6
        }
        #expect(try Classifier(contentsOf: path, threads: 1, availableMemory: 200e6).classCount == 1)
    }

    @Test("a safetensors file whose tensors exceed the memory given is refused before they are copied")
    func safeTensorsWeighsItsTensors() throws {
        let data = try Self.file().encoded()
        #expect {
            try SafeTensors(data: data, path: "m", availableMemory: 16)
        } throws: { error in
            guard case CheckpointError.tooLargeForMemory(path: "m", neededBytes: _, availableBytes: 16, purpose: _)? = error as? CheckpointError else { return false }
            return true
        }
        #expect(try SafeTensors(data: data, path: "m", availableMemory: 1e6).tensors.count == 4)
    }
}

private extension String {
    /// "1,2" → "[1,2]".
    var wrapped: String { "[" + self + "]" }
}
