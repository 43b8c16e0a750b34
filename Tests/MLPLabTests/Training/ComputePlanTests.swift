import Foundation
import MLPLab
import Testing

/// `ComputePlan`: the standard plan, the checks on a plan, and a run that keeps its plan in
/// config.json and resumes with it bit for bit, in each orientation.
@Suite(.serialized)
struct ComputePlanTests {
    static let dataset = SyntheticData.quadrants(count: 400)

    /// Plain SGD (fusable), 64 → 96 → 48 → 4 at batch 8, so that the standard plan fuses the first
    /// two layers.
    static func record(epochs: Int = 3, compute: ComputePlan?) -> RunRecord {
        var data = DataConfiguration()
        data.source = "quadrants"
        var training = TrainingConfiguration()
        training.epochs = epochs
        training.batchSize = 8
        training.optimizer = OptimizerConfiguration(learningRate: 0.05)
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [96, 48], classCount: 4)
        var record = RunRecord(data: data, dataset: dataset, model: model, training: training)
        record.compute = compute
        return record
    }

    @Test("the standard plan stores every weight [in, out] and fuses by the shape rule; a plan must have one entry per layer")
    func standardPlanAndChecks() throws {
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [96, 48], classCount: 4)
        let standard = ComputePlan.standard(model: model, rows: 8)
        #expect(standard == ComputePlan(weightOrientations: [.inOut, .inOut, .inOut], fusedUpdates: [true, true, false]))
        try standard.validate(for: model)
        #expect(throws: ConfigurationError.self) { try ComputePlan.uniform(.outIn, layers: 2).validate(for: model) }
        let short = ComputePlan(weightOrientations: [.inOut, .inOut, .inOut], fusedUpdates: [true])
        #expect(throws: ConfigurationError.self) { try short.validate(for: model) }
        // A record's plan is checked with it: a typed one that does not fit is refused before training.
        var record = Self.record(compute: .uniform(.inOut, layers: 2))
        #expect(throws: ConfigurationError.self) { try record.validate() }
        record.compute = nil
        try record.validate()
    }

    static let plans: [ComputePlan] = [
        .uniform(.outIn, layers: 3),
        ComputePlan(weightOrientations: [.outIn, .inOut, .outIn], fusedUpdates: [true, true, false]),
        ComputePlan(weightOrientations: [.inOut, .outIn, .inOut], fusedUpdates: [false, true, true]),
    ]

    @Test("a run keeps its plan in config.json and result.json; cancelled and run again, it continues to the same model, bit for bit",
          arguments: plans)
    func planIsKeptAndResumed(plan: ComputePlan) async throws {
        let root = try TestSupport.temporaryDirectory().path
        let record = Self.record(compute: plan), dataset = Self.dataset
        let whole = try Training.run(record, on: dataset, in: try RunFolder(path: root + "/whole"))
        #expect(whole.record.compute == plan)
        #expect(try RunFolder(path: root + "/whole").readRecord()?.compute == plan)
        let task = Task {
            try Training.run(record, on: dataset, in: try RunFolder(path: root + "/cut")) { event in
                if case let .epoch(metrics) = event, metrics.epoch == 1 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        // Resumed from the folder with a record that names no plan: the folder's plan is used.
        var plain = record
        plain.compute = nil
        var used: ComputePlan?
        let resumed = try Training.run(plain, on: dataset, in: try RunFolder(path: root + "/cut")) { event in
            if case let .started(run, _) = event { used = run.compute }
        }
        #expect(used == plan)
        #expect(resumed.epochs.map(\.loss) == whole.epochs.map(\.loss))
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/whole/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: root + "/cut/model.safetensors"))
        #expect(a == b, "the resumed model differs from the uninterrupted one")
    }

    @Test("every plan trains the same model to rounding; the files hold PyTorch's order whatever the plan")
    func plansAgreeToRounding() throws {
        let root = try TestSupport.temporaryDirectory().path
        let reference = try Training.run(Self.record(compute: .standard(model: Self.record(compute: nil).model, rows: 8)),
                                         on: Self.dataset, in: try RunFolder(path: root + "/standard"))
        let referenceModel = try ModelFile(contentsOf: root + "/standard/model.safetensors")
        for (index, plan) in Self.plans.enumerated() {
            let result = try Training.run(Self.record(compute: plan), on: Self.dataset, in: try RunFolder(path: root + "/\(index)"))
            let model = try ModelFile(contentsOf: root + "/\(index)/model.safetensors")
            let difference = TestSupport.maximumDifference(model.parameters, referenceModel.parameters)
            #expect(difference < 1e-4, "\(plan.summary): largest parameter difference \(difference)")
            #expect(abs(result.testAccuracy - reference.testAccuracy) < 0.02)
        }
    }

    @Test("a run recorded before plans existed (no compute in config.json) resumes with the standard plan, bit for bit")
    func recordWithoutPlanResumesWithStandard() async throws {
        let root = try TestSupport.temporaryDirectory().path
        let standard = ComputePlan.standard(model: Self.record(compute: nil).model, rows: 8)
        _ = try Training.run(Self.record(compute: standard), on: Self.dataset, in: try RunFolder(path: root + "/whole"))
        let task = Task {
            try Training.run(Self.record(compute: standard), on: Self.dataset, in: try RunFolder(path: root + "/old")) { event in
                if case let .epoch(metrics) = event, metrics.epoch == 1 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        // As an older MLPLab wrote it: no "compute" key.
        let path = root + "/old/config.json"
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json["compute"] = nil
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        #expect(try RunFolder(path: root + "/old").readRecord()?.compute == nil)
        let resumed = try Training.run(Self.record(compute: nil), on: Self.dataset, in: try RunFolder(path: root + "/old"))
        #expect(resumed.record.compute == standard)
        let a = try Data(contentsOf: URL(fileURLWithPath: root + "/whole/model.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: root + "/old/model.safetensors"))
        #expect(a == b)
    }

    @Test("a plan with many entries, or a long unknown orientation, is refused in one short line")
    func longPlanIsNamedShortly() throws {
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [96, 48], classCount: 4)
        let long = ComputePlan(weightOrientations: Array(repeating: .inOut, count: 100_000), fusedUpdates: [false, false, false])
        do {
            try long.validate(for: model)
            Issue.record("a plan of 100000 orientations passed")
        } catch let error as ConfigurationError {
            #expect(error.value == "100000 entries" && "\(error)".count < 200, "\(error)")
        }
        let few = ComputePlan(weightOrientations: [.inOut, .outIn], fusedUpdates: [false, false, false])
        #expect(throws: ConfigurationError(setting: "compute.weight_orientations", value: "in_out,out_in",
                                           rule: "must name one orientation (in_out or out_in) per layer, 3 for this model")) {
            try few.validate(for: model)
        }
        let data = Data(#"{"weight_orientations": ["\#(String(repeating: "x", count: 5000))", "in_out", "in_out"], "fused_updates": [false, false, false]}"#.utf8)
        do {
            _ = try JSONCoding.decode(ComputePlan.self, from: data)
            Issue.record("an unknown orientation was decoded")
        } catch {
            let problem = JSONCoding.problem(decoding: ComputePlan.self, from: data, error: error)
            #expect(problem == "'weight_orientations[0]' is not one of the values it may have (got '\(String(repeating: "x", count: 40))…')",
                    "\(problem)")
        }
    }

    @Test("a stored plan with an unknown orientation is refused as config.json, naming the file")
    func damagedPlanIsRefused() throws {
        let root = try TestSupport.temporaryDirectory().path
        _ = try Training.run(Self.record(epochs: 1, compute: .uniform(.outIn, layers: 3)), on: Self.dataset, in: try RunFolder(path: root + "/r"))
        let path = root + "/r/config.json"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "out_in", with: "sideways")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try RunFolder(path: root + "/r").readRecord()
            Issue.record("a config.json with an unknown orientation was read")
        } catch let error as CheckpointError {
            guard case let .damagedRunFile(file, _) = error else { Issue.record("\(error)"); return }
            #expect(file == path && "\(error)".contains("sideways"), "\(error)")
        }
    }
}
