import Foundation
import MLPLab
import Testing

/// bf16 products (issue 7): the conversion, the emulated and hardware paths, the fallback.
struct PrecisionTests {
    @Test("float32 → bf16 rounds to nearest, ties to even, keeps NaN and overflows to infinity")
    func roundsLikeTheHardware() {
        #expect(BFloat16.bits(1) == 0x3F80)
        #expect(BFloat16.bits(-2) == 0xC000)
        #expect(BFloat16.bits(1 + 0x1p-8) == 0x3F80, "halfway, even below")
        #expect(BFloat16.bits(1 + 3 * 0x1p-8) == 0x3F82, "halfway, even above")
        #expect(BFloat16.bits(1 + 0x1p-8 + 0x1p-20) == 0x3F81, "above halfway")
        #expect(BFloat16.rounded(.nan).isNaN)
        #expect(BFloat16.rounded(.greatestFiniteMagnitude) == .infinity)
        #expect(BFloat16.rounded(.infinity) == .infinity && BFloat16.rounded(-.infinity) == -.infinity)
        #expect(BFloat16.rounded(3.140625) == 3.140625, "a bf16 value stays")
    }

    @Test("an emulated bf16 product is the float32 product of the bf16-rounded inputs, bit for bit")
    func emulatedProductRoundsInputs() {
        let (m, n, k) = (7, 12, 33)
        let a = TestSupport.randomBuffer(m * k, seed: 11), b = TestSupport.randomBuffer(n * k, seed: 12)
        let bias = TestSupport.randomBuffer(n, seed: 13)
        let roundedA = FloatBuffer(count: a.count), roundedB = FloatBuffer(count: b.count)
        for i in 0..<a.count { roundedA.base[i] = BFloat16.rounded(a.base[i]) }
        for i in 0..<b.count { roundedB.base[i] = BFloat16.rounded(b.base[i]) }
        let emulated = FloatBuffer(count: m * n), reference = FloatBuffer(count: m * n), plain = FloatBuffer(count: m * n)
        MatMul(precision: .bfloat16Emulated).multiply(Matrix(a.base, rows: m, columns: k), Matrix(b.base, rows: n, columns: k),
                                                      transposeB: true, into: Matrix(emulated.base, rows: m, columns: n),
                                                      bias: bias.base, activation: Activation.relu.elementwise)
        let float32 = MatMul()
        float32.multiply(Matrix(roundedA.base, rows: m, columns: k), Matrix(roundedB.base, rows: n, columns: k),
                         transposeB: true, into: Matrix(reference.base, rows: m, columns: n), bias: bias.base, activation: Activation.relu.elementwise)
        float32.multiply(Matrix(a.base, rows: m, columns: k), Matrix(b.base, rows: n, columns: k),
                         transposeB: true, into: Matrix(plain.base, rows: m, columns: n), bias: bias.base, activation: Activation.relu.elementwise)
        #expect(emulated.array == reference.array)
        #expect(emulated.array != plain.array, "rounding the inputs changes the product")
        #expect(a.array[0] == a.base[0], "the inputs themselves are left alone")
    }

    @Test("hardware bf16 products agree with the emulated ones", .enabled(if: MatMul.supportsBFloat16))
    func hardwareMatchesEmulation() {
        let (m, n, k) = (64, 96, 300)
        let a = TestSupport.randomBuffer(m * k, seed: 14), b = TestSupport.randomBuffer(k * n, seed: 15)
        let hardware = FloatBuffer(count: m * n), emulated = FloatBuffer(count: m * n)
        MatMul(precision: .bfloat16).multiply(Matrix(a.base, rows: m, columns: k), Matrix(b.base, rows: k, columns: n),
                                              into: Matrix(hardware.base, rows: m, columns: n))
        MatMul(precision: .bfloat16Emulated).multiply(Matrix(a.base, rows: m, columns: k), Matrix(b.base, rows: k, columns: n),
                                                      into: Matrix(emulated.base, rows: m, columns: n))
        #expect(TestSupport.maximumDifference(hardware.array, emulated.array) < 1e-3)
    }

    @Test("a weight converted once into an InputCopy gives the products converting it themselves, bit for bit")
    func inputCopyMatchesPerProductConversion() {
        let (m, n, k) = (5, 9, 40)
        let x = TestSupport.randomBuffer(m * k, seed: 21), w = TestSupport.randomBuffer(n * k, seed: 22)
        let dz = TestSupport.randomBuffer(m * n, seed: 23)
        let engine = MatMul(precision: .bfloat16Emulated)
        let copy = InputCopy(count: n * k, precision: .bfloat16Emulated)
        let forward = [FloatBuffer(count: m * n), FloatBuffer(count: m * n)]
        let backward = [FloatBuffer(count: m * k), FloatBuffer(count: m * k)]
        let weight = Matrix(w.base, rows: n, columns: k)
        for (index, conversion) in [MatMul.Conversion.perProduct, .fill(copy)].enumerated() {
            engine.multiply(Matrix(x.base, rows: m, columns: k), weight, transposeB: true,
                            into: Matrix(forward[index].base, rows: m, columns: n), conversion: conversion)
        }
        // dz·W reads the copy the forward filled, as a layer's backward does.
        engine.multiply(Matrix(dz.base, rows: m, columns: n), weight, into: Matrix(backward[0].base, rows: m, columns: k))
        engine.multiply(Matrix(dz.base, rows: m, columns: n), weight, into: Matrix(backward[1].base, rows: m, columns: k),
                        conversion: .reuse(copy))
        #expect(forward[0].array == forward[1].array)
        #expect(backward[0].array == backward[1].array)
        #expect(backward[1].array.contains { $0 != 0 })
    }

    @Test("bf16 training steps with the weights converted once per step equal those converting per product")
    func weightCopiesFollowTheUpdates() throws {
        // Two workspaces on one model and engine: one with weight copies (the forward fills them,
        // the backward reuses them), one without (every product converts). After each step the
        // weights change; a copy left stale would make the gradients differ from the second step on.
        let configuration = ModelConfiguration(inputSize: 12, hiddenSizes: [10, 8], classCount: 3)
        let model = MLP(configuration: configuration)
        model.initialize(seed: 5)
        let engine = MatMul(precision: .bfloat16Emulated)
        let rows = 6
        let withCopies = Workspace(configuration: configuration, capacity: rows, precision: .bfloat16Emulated)
        let withoutCopies = Workspace(configuration: configuration, capacity: rows)
        #expect(withCopies.weightCopies.count == 3 && withoutCopies.weightCopies.isEmpty)
        for step in 0..<4 {
            let inputs = TestSupport.randomBuffer(rows * 12, seed: 30 + UInt64(step))
            var gradients: [[Float]] = []
            for workspace in [withCopies, withoutCopies] {
                workspace.input.base.update(from: inputs.base, count: rows * 12)
                for row in 0..<rows { workspace.labels[row] = Int32((row + step) % 3) }
                let logits = model.forward(workspace, rows: rows, engine: engine)
                _ = SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: workspace.labels,
                                                        gradient: workspace.logitGradient.prefix(rows: rows))
                model.backward(workspace, rows: rows, engine: engine)
                gradients.append(workspace.gradients.array)
            }
            let identical = gradients[0] == gradients[1]
            #expect(identical, "step \(step): largest difference \(TestSupport.maximumDifference(gradients[0], gradients[1]))")
            for i in 0..<model.parameters.count { model.parameters.base[i] -= 0.5 * gradients[0][i] }
        }
    }

    @Test("bf16 asked for on a CPU without it falls back to float32 with a note naming the way out")
    func fallsBackWhereUnsupported() {
        let (precision, note) = MatMul.resolve(.bfloat16)
        if MatMul.supportsBFloat16 {
            #expect(precision == .bfloat16 && note == nil)
        } else {
            #expect(precision == .float32)
            #expect(note?.contains("bf16-emulated") == true && note?.contains(MatMul.instructionSet) == true, "\(note ?? "")")
        }
        #expect(MatMul.resolve(.bfloat16Emulated) == (.bfloat16Emulated, nil))
        #expect(MatMul.resolve(.float32) == (.float32, nil))
    }

    @Test("bf16 slower than float32 here is said once, with the measured ratio and the way out; faster or unavailable, nothing more is said")
    func slowerBFloat16IsSaid() {
        let model = ModelConfiguration(inputSize: 4800, hiddenSizes: [3600, 2400, 1200], classCount: 52)
        var asked: (Int, Int, Int)?
        let (precision, note) = TrainingRun.resolve(.bfloat16, model: model, rows: 64) { m, n, k in
            asked = (m, n, k)
            return MatMulBenchmark.PrecisionComparison(float32: 212, bfloat16: 117)
        }
        if MatMul.supportsBFloat16 {
            // The largest layer's forward product, at the step's rows.
            #expect(asked.map { [$0.0, $0.1, $0.2] } == [64, 3600, 4800])
            #expect(precision == .bfloat16)
            #expect(note?.contains("0.55× float32's speed") == true && note?.contains("117 against 212 GFLOP/s") == true
                    && note?.contains("training.precision f32") == true, "\(note ?? "")")
            let faster = TrainingRun.resolve(.bfloat16, model: model, rows: 64) { _, _, _ in
                MatMulBenchmark.PrecisionComparison(float32: 212, bfloat16: 400)
            }
            #expect(faster.0 == .bfloat16 && faster.1 == nil)
        } else {
            #expect(asked == nil, "nothing to measure where bf16 falls back")
            #expect(precision == .float32 && note?.contains("bf16-emulated") == true)
        }
        #expect(TrainingRun.resolve(.float32, model: model, rows: 64) { _, _, _ in nil } == (.float32, nil))
    }

    @Test("with AMX, bf16 products run at 1.5× float32's or more (the assignment's first layer)",
          .enabled(if: MatMul.instructionSet == "avx512_core_amx"))
    func amxMakesBFloat16Pay() throws {
        MatMul.setThreadCount(ProcessInfo.processInfo.activeProcessorCount)
        for shape in MatMulBenchmark.assignmentFirstLayer {
            let speed = try #require(MatMulBenchmark.compareBFloat16(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA,
                                                                     transposeB: shape.transposeB, repeats: 20))
            #expect(speed.ratio >= 1.5, "\(shape.label): bf16 \(speed.bfloat16) against f32 \(speed.float32) GFLOP/s")
        }
    }

    @Test("training with bf16 products ends close to float32 on a small model")
    func bfloat16TrainingAgreesWithFloat32() throws {
        let dataset = SyntheticData.quadrants(count: 800)
        let split = try DatasetSplit.make(for: dataset, testFraction: 0.2, validationFraction: 0, seed: 1)
        let model = ModelConfiguration(inputSize: 64, hiddenSizes: [48, 24], classCount: 4)
        func train(_ precision: Precision) throws -> TrainingRun {
            var configuration = TrainingConfiguration()
            configuration.batchSize = 16
            configuration.epochs = 3
            configuration.optimizer = OptimizerConfiguration(learningRate: 0.05, momentum: 0.9)
            configuration.precision = precision
            let run = TrainingRun(dataset: dataset, split: split, model: model, configuration: configuration)
            try run.train()
            return run
        }
        let float32 = try train(.float32)
        let bf16 = try train(MatMul.supportsBFloat16 ? .bfloat16 : .bfloat16Emulated)
        let difference = TestSupport.maximumDifference(float32.model.parameters.array, bf16.model.parameters.array)
        #expect(difference > 0, "bf16 must change something")
        #expect(difference < 0.05, "largest parameter difference \(difference)")
        let accuracies = try [float32, bf16].map { try $0.accuracy(on: split.test) }
        #expect(accuracies[0] > 0.9 && abs(accuracies[0] - accuracies[1]) <= 0.02, "\(accuracies)")
        for (a, b) in zip(float32.history, bf16.history) { #expect(abs(a.loss - b.loss) < 0.02 + 0.05 * a.loss) }
    }

    @Test("a configuration written before precision existed reads as float32")
    func olderConfigurationDecodes() throws {
        var configuration = TrainingConfiguration()
        configuration.precision = .bfloat16Emulated
        var object = try #require(try JSONSerialization.jsonObject(with: JSONCoding.encode(configuration)) as? [String: Any])
        #expect(object["precision"] as? String == "bf16-emulated")
        object["precision"] = nil
        let decoded = try JSONCoding.decode(TrainingConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.precision == .float32)
        #expect(decoded.optimizer == configuration.optimizer && decoded.epochs == configuration.epochs)
    }
}
