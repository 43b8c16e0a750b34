import Foundation
import MLPLab
import Testing

/// `InitialWeights`: a model file MLPLab wrote or a PyTorch state_dict under the assignment's
/// names, checked tensor by tensor against the model the options describe.
struct InitialWeightsTests {
    static let model = ModelConfiguration(inputSize: 6, hiddenSizes: [5, 4], classCount: 3)

    /// A safetensors file of `model`'s tensors named `stem`1.weight …, each [out, in], values i·0.001.
    static func write(stem: String, model: ModelConfiguration = model, extra: [SafeTensors.Tensor] = [],
                      change: (inout [SafeTensors.Tensor]) -> Void = { _ in }) throws -> (path: String, values: [Float]) {
        var tensors: [SafeTensors.Tensor] = []
        var values: [Float] = []
        for (index, layer) in MLP.layout(model).enumerated() {
            let weight = (0..<layer.weightCount).map { Float(values.count + $0) * 0.001 }
            values += weight
            let bias = (0..<layer.outputSize).map { Float(values.count + $0) * 0.001 }
            values += bias
            tensors.append(SafeTensors.Tensor(name: "\(stem)\(index + 1).weight", shape: [layer.outputSize, layer.inputSize], values: weight))
            tensors.append(SafeTensors.Tensor(name: "\(stem)\(index + 1).bias", shape: [layer.outputSize], values: bias))
        }
        tensors += extra
        change(&tensors)
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("w.safetensors").path
        try SafeTensors(metadata: [:], tensors: tensors).encoded().write(to: URL(fileURLWithPath: path))
        return (path, values)
    }

    @Test("PyTorch's fc names and MLPLab's layer names read to the same weights, in PyTorch's order, with one fingerprint")
    func readsBothNamings() throws {
        let fc = try Self.write(stem: "fc"), layer = try Self.write(stem: "layer")
        let a = try InitialWeights.read(fc.path, for: Self.model), b = try InitialWeights.read(layer.path, for: Self.model)
        #expect(a.weights == fc.values && b.weights == layer.values)
        #expect(a.source.fingerprint == b.source.fingerprint && a.source.path == fc.path)
        let other = try Self.write(stem: "fc") { $0[0].values[0] = 1 }
        #expect(try InitialWeights.read(other.path, for: Self.model).source.fingerprint != a.source.fingerprint)
    }

    @Test("a file that does not fit the model is refused, naming the tensor", arguments: ["shape", "missing", "extra", "nan", "names"])
    func misfitsAreNamed(kind: String) throws {
        let file: (path: String, values: [Float])
        let expected: String
        switch kind {
        case "shape":
            file = try Self.write(stem: "fc", model: ModelConfiguration(inputSize: 6, hiddenSizes: [7, 4], classCount: 3))
            expected = "'fc1.weight' is [7, 6], the model 6-5-4-3 needs [5, 6] there"
        case "missing":
            file = try Self.write(stem: "fc") { $0.removeLast() }
            expected = "it has no 'fc3.bias'"
        case "extra":
            file = try Self.write(stem: "layer", extra: [SafeTensors.Tensor(name: "momentum.layer1.weight", shape: [1], values: [0])])
            expected = "it holds 'momentum.layer1.weight'"
        case "nan":
            file = try Self.write(stem: "fc") { $0[2].values[1] = .nan }
            expected = "'fc2.weight' holds nan or infinite weights"
        default:
            file = try Self.write(stem: "0.")
            expected = "holds neither layer1.weight"
        }
        #expect(throws: CheckpointError.self) { try InitialWeights.read(file.path, for: Self.model) }
        do { _ = try InitialWeights.read(file.path, for: Self.model) } catch {
            #expect("\(error)".contains(expected) && "\(error)".contains(file.path), "\(error)")
        }
    }
}
