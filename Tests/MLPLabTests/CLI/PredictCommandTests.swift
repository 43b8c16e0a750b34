import Foundation
import MLPLab
import Testing

/// `predict` on a model file whose metadata claims a model it does not hold (issue 14 #4: each
/// of these trapped with exit 134 or 132).
struct PredictCommandTests {
    @Test("predict with a model file claiming an impossible shape: one line naming the file and key, exit 1", arguments: [
        (["hidden_sizes": "[100000000000]"], "'hidden_sizes'"),
        (["input_width": "3037000500", "input_height": "3037000500"], "'input_width/input_height'"),
        (["hidden_sizes": "[" + Array(repeating: "1000000", count: 200).joined(separator: ",") + "]"], "'hidden_sizes'"),
    ])
    func impossibleModelFileIsRefused(metadata: [String: String], key: String) throws {
        let directory = try TestSupport.temporaryDirectory()
        let model = MLP(configuration: ModelConfiguration(inputSize: 4, hiddenSizes: [3], classCount: 2))
        var file = ModelFile(model: model, classNames: ["a", "b"], imageWidth: 2, imageHeight: 2, inputScaling: .unitRange).safeTensors
        file.metadata.merge(metadata) { $1 }
        let path = directory.appendingPathComponent("claims.safetensors").path
        try file.encoded().write(to: URL(fileURLWithPath: path))
        let image = directory.appendingPathComponent("x.pgm")
        try (Data("P5\n2 2\n255\n".utf8) + Data([0, 64, 128, 255])).write(to: image)

        let result = try Tool.run(["predict", path, image.path])
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(path) && result.stderr.contains(key), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
