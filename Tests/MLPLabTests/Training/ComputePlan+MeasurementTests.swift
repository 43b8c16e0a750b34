import Foundation
import MLPLab
import Testing

/// Choosing a plan from timings: the rule on made-up timings, and the measured timings kept in
/// the cache so that every run on a machine gets the same plan. No test here depends on which
/// choice is faster on the machine that runs it.
struct ComputePlanMeasurementTests {
    static func products(_ forward: Double, _ input: Double, _ weight: Double, _ fused: Double) -> LayerTimings.Products {
        LayerTimings.Products(forward: forward, inputGradient: input, weightGradient: weight, fusedUpdate: fused)
    }

    @Test("the choice takes the fastest orientation and update, keeps [in, out] plain within 2 %, and fuses only when it may")
    func choiceFollowsTimings() {
        // [out, in] is faster in the forward, slower in the input gradient.
        let timings = LayerTimings(inOut: Self.products(10, 4, 5, 9), outIn: Self.products(7, 6, 5, 9), updatePass: 2)
        // Layer with an input gradient: in_out 10+4+5+2 = 21, out_in 7+6+5+2 = 20 (under 2 % margin? 20 < 20.58: yes).
        #expect(timings.choice(needsInputGradient: true, canFuse: false) == (.outIn, false))
        // The first layer has no input gradient: out_in 14 against 17.
        #expect(timings.choice(needsInputGradient: false, canFuse: false) == (.outIn, false))
        // Fusing costs 9 against 5 + 2: never chosen.
        #expect(timings.choice(needsInputGradient: true, canFuse: true) == (.outIn, false))

        let fusing = LayerTimings(inOut: Self.products(10, 4, 5, 5.5), outIn: Self.products(10, 4, 5, 9), updatePass: 2)
        #expect(fusing.choice(needsInputGradient: true, canFuse: true) == (.inOut, true))
        #expect(fusing.choice(needsInputGradient: true, canFuse: false) == (.inOut, false), "momentum never fuses")

        // Within the margin, the standard choice stays.
        let close = LayerTimings(inOut: Self.products(10, 4, 5, 9), outIn: Self.products(9.9, 4, 5, 9), updatePass: 2)
        #expect(close.choice(needsInputGradient: true, canFuse: true) == (.inOut, false))
        let expected: Double = 9.9 + 4 + 5 + 2
        #expect(close.time(.outIn, fused: false, needsInputGradient: true) == expected)
    }

    @Test("measured timings are positive and finite for every product, in both orientations")
    func measurementIsSane() {
        MatMul.setThreadCount(1)
        let timings = LayerTimings.measure(inputSize: 40, outputSize: 24, rows: 8, activation: .relu, precision: .float32, repeats: 3)
        for orientation in WeightOrientation.allCases {
            let p = timings.products(orientation)
            for value in [p.forward, p.inputGradient, p.weightGradient, p.fusedUpdate] { #expect(value > 0 && value.isFinite) }
        }
        #expect(timings.updatePass > 0 && timings.updatePass.isFinite)
    }

    @Test("a plan is measured once and kept: later runs read the cache and follow it, a damaged cache is measured again")
    func cacheKeepsThePlan() throws {
        let cache = try TestSupport.temporaryDirectory().path
        let model = ModelConfiguration(inputSize: 40, hiddenSizes: [24, 16], classCount: 3)
        var training = TrainingConfiguration()
        training.optimizer = OptimizerConfiguration(learningRate: 0.1)
        let first = ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache)
        try first.validate(for: model)
        let file = cache + "/compute-timings/timings.json"
        let written = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache) == first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == written, "nothing was measured again")

        // Timings planted in the cache decide: [out, in] far faster in every product, fusing slower.
        var json = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        var layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.count == 3)
        for index in layers.indices {
            var timings = try #require(layers[index]["timings"] as? [String: Any])
            timings["in_out"] = ["forward": 1.0, "input_gradient": 1.0, "weight_gradient": 1.0, "fused_update": 5.0]
            timings["out_in"] = ["forward": 0.1, "input_gradient": 0.1, "weight_gradient": 0.1, "fused_update": 5.0]
            timings["update_pass"] = 0.1
            layers[index]["timings"] = timings
        }
        json["layers"] = layers
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache) == .uniform(.outIn, layers: 3))

        // Fusing planted fastest: taken alone, never by data-parallel processes (each needs the gradient).
        for index in layers.indices {
            var timings = try #require(layers[index]["timings"] as? [String: Any])
            timings["out_in"] = ["forward": 0.1, "input_gradient": 0.1, "weight_gradient": 0.1, "fused_update": 0.05]
            layers[index]["timings"] = timings
        }
        json["layers"] = layers
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        let fused = ComputePlan(weightOrientations: [.outIn, .outIn, .outIn], fusedUpdates: [true, true, true])
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache) == fused)
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, processes: 2, cacheDirectory: cache) == .uniform(.outIn, layers: 3))
        var momentum = training
        momentum.optimizer.momentum = 0.9
        #expect(ComputePlan.measured(model: model, training: momentum, rows: 8, cacheDirectory: cache) == .uniform(.outIn, layers: 3))

        // Another thread count is another machine setting: measured anew, and added beside.
        training.threads = 2
        _ = ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache)
        let grown = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect((grown["layers"] as? [Any])?.count == 6)

        // A damaged entry costs only its layer: the others are still read, and it is measured
        // again when its layer next trains.
        var six = try #require(grown["layers"] as? [[String: Any]])
        let damaged = try #require(six.firstIndex { ($0["key"] as? String)?.contains("threads 2") == true })
        six[damaged] = ["key": 3]
        var partly = grown
        partly["layers"] = six
        try JSONSerialization.data(withJSONObject: partly).write(to: URL(fileURLWithPath: file))
        training.threads = 1
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache) == fused, "the planted entries were kept")
        training.threads = 2
        _ = ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache)
        let mended = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        let mendedLayers = try #require(mended["layers"] as? [[String: Any]])
        #expect(mendedLayers.count == 6 && mendedLayers.allSatisfy { $0["key"] is String }, "\(mendedLayers)")

        // A damaged file is measured again and rewritten, never trusted.
        try Data("{\"version\": 1, \"layers\": [{\"key\": 3}]".utf8).write(to: URL(fileURLWithPath: file))
        try ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache).validate(for: model)
        let repaired = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
        #expect((repaired?["layers"] as? [Any])?.count == 3)
    }

    @Test("without a usable cache the plan is the standard one, which repeats, not one measured anew")
    func noCacheGivesStandard() throws {
        let model = ModelConfiguration(inputSize: 40, hiddenSizes: [24], classCount: 3)
        let training = TrainingConfiguration()
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: nil) == .standard(model: model, rows: 8))
        let root = try TestSupport.temporaryDirectory().path
        try Data().write(to: URL(fileURLWithPath: root + "/file"))  // a file where the folder would go
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: root + "/file") == .standard(model: model, rows: 8))
        // The folder can be locked but timings.json cannot be written (a folder in its place):
        // every run would measure anew, so the plan is the standard one too.
        let unwritable = root + "/unwritable"
        try FileManager.default.createDirectory(atPath: unwritable + "/compute-timings/timings.json", withIntermediateDirectories: true)
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: unwritable) == .standard(model: model, rows: 8))
    }

    @Test("timings that cannot be kept give the standard plan, even where the cache's other timings choose another")
    func unkeptTimingsGiveStandard() throws {
        let cache = try TestSupport.temporaryDirectory().path
        let model = ModelConfiguration(inputSize: 40, hiddenSizes: [24], classCount: 3)
        var training = TrainingConfiguration()
        training.optimizer = OptimizerConfiguration(learningRate: 0.1)
        _ = ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache)
        let file = cache + "/compute-timings/timings.json"
        // [out, in] far faster for the first layer; the second layer's timings removed, so that
        // they are measured again and written.
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        var layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.count == 2)
        layers = layers.filter { ($0["key"] as? String)?.contains("40x24") == true }
        #expect(layers.count == 1)
        var timings = try #require(layers[0]["timings"] as? [String: Any])
        timings["in_out"] = ["forward": 1.0, "input_gradient": 1.0, "weight_gradient": 1.0, "fused_update": 5.0]
        timings["out_in"] = ["forward": 0.1, "input_gradient": 0.1, "weight_gradient": 0.1, "fused_update": 5.0]
        layers[0]["timings"] = timings
        json["layers"] = layers
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache).weightOrientations.first == .outIn)
        json["layers"] = layers
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
        // AtomicFile's temporary file cannot be made (a folder in its place): the write fails.
        try FileManager.default.createDirectory(atPath: cache + "/compute-timings/.timings.json.tmp-\(getpid())/x",
                                                withIntermediateDirectories: true)
        #expect(ComputePlan.measured(model: model, training: training, rows: 8, cacheDirectory: cache) == .standard(model: model, rows: 8))
    }
}
