import Foundation
import MLPLab
import Testing

@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable))
struct SweepCommandTests {
    @Test("a model too large for the machine stops the sweep with one line, leaving no run folder that holds only a lock")
    func tooLargeModelLeavesNoRunFolder() throws {
        let output = try TestSupport.temporaryDirectory().path + "/sweep"
        let result = try Tool.run(["sweep", "fashion-mnist", "--hidden", "500000,500000", "--epochs", "1", "-o", output])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("Choose smaller --hidden widths"), "\(result.stderr)")
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: output + "/runs")) ?? []
        #expect(runs.isEmpty, "left behind: \(runs)")
    }

    @Test("--optimizer, --dropout and --augment reach every run of a sweep: Adam's points are Adam's, each run keeps the dropout and augmentation")
    func sweepOptimizersAndRegularization() throws {
        let output = try TestSupport.temporaryDirectory().path + "/sweep"
        let result = try Tool.run(["sweep", "fashion-mnist", "--subset", "500", "--hidden", "16", "--epochs", "1", "--lr", "0.01",
                                   "--optimizer", "sgd,adamw", "--dropout", "0.2", "--augment", "flip", "--threads", "1", "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: output + "/runs").sorted()
        #expect(runs.count == 2, "\(runs)")
        var algorithms: [String] = []
        for run in runs {
            let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(output)/runs/\(run)/config.json"))) as? [String: Any])
            let training = try #require(config["training"] as? [String: Any])
            #expect(training["dropout"] as? [Double] == [0.2] && (training["augment"] as? [String: Any])?["flip"] as? Bool == true, "\(training)")
            algorithms.append((training["optimizer"] as? [String: Any])?["algorithm"] as? String ?? "sgd")
        }
        #expect(algorithms.sorted() == ["adamw", "sgd"])
    }

    @Test("a sweep's runs keep their measured timings in --cache-dir, not in the default cache")
    func sweepTimingsFollowTheCacheDirectory() throws {
        let root = try TestSupport.temporaryDirectory().path
        let result = try Tool.run(["sweep", "fashion-mnist", "--subset", "500", "--hidden", "16", "--epochs", "1", "--lr", "0.01,0.02",
                                   "--threads", "1", "--cache-dir", root + "/cache", "-o", root + "/sweep"],
                                  environment: ["XDG_CACHE_HOME": root + "/xdg"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/cache/compute-timings/timings.json"))
        #expect(!FileManager.default.fileExists(atPath: root + "/xdg"), "the default cache was written")
    }

    @Test("a sweep over a range trains each value once, prints a table, and reuses on a second run")
    func sweepRange() throws {
        let output = try TestSupport.temporaryDirectory().path + "/sweep"
        let arguments = ["sweep", "fashion-mnist", "--lr", "0.01:0.04:x2", "--momentum", "0,0.9", "--epochs", "2", "--subset", "500",
                         "--hidden", "16", "-o", output]
        let first = try Tool.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("(6 runs trained, 0 reused)"), "\(first.stdout)")
        #expect(first.stdout.contains("lr 0.04 momentum 0.9"))
        for file in ["sweep.md", "loss.svg", "accuracy.svg"] { #expect(FileManager.default.fileExists(atPath: output + "/" + file)) }
        try Self.checkReport(in: output, stdout: first.stdout, learningRates: [0.01, 0.02, 0.04], momenta: [0, 0.9])
        let second = try Tool.run(arguments)
        #expect(second.stdout.contains("(0 runs trained, 6 reused)"), "\(second.stdout)")
        let bad = try Tool.run(["sweep", "--lr", "0.1:0.01:x2"])
        #expect(bad.status == 64 && bad.stderr.contains("--lr"), "\(bad.stderr)")
    }

    /// What a sweep wrote says what its runs did: sweep.md has one row per grid point, whose run
    /// folder's config.json holds that point's settings (and the sweep's shared ones), whose
    /// numbers are that run's result.json's, and the best named on stdout is the run with the
    /// highest best validation accuracy.
    static func checkReport(in output: String, stdout: String, learningRates: [Double], momenta: [Double]) throws {
        func json(_ path: String) throws -> JSONValue { try JSONValue.read(Data(contentsOf: URL(fileURLWithPath: path))) }
        func number(_ value: JSONValue?) -> Double? { if case let .number(number)? = value { return number } else { return nil } }
        /// Whether a table cell shows `value` to the digits it prints.
        func shows(_ cell: String, _ value: Double?) -> Bool {
            guard let value, let shown = Double(cell) else { return false }
            let decimals = cell.split(separator: ".").dropFirst().first?.count ?? 0
            return abs(shown - value) <= 0.5 * pow(10, -Double(decimals)) + 1e-12
        }
        // | run | final loss | best val acc | test acc | status | folder |, after the header and its rule.
        let table = try String(contentsOfFile: output + "/sweep.md", encoding: .utf8)
        let rows = table.split(separator: "\n").dropFirst(2).map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        var points: [[Double]] = [], bestValidation: [String: Double] = [:]
        for row in rows {
            try #require(row.count == 6, "\(row)")
            let config = try json(row[5] + "/config.json"), result = try json(row[5] + "/result.json")
            let optimizer = config["training"]?["optimizer"]
            let rate = try #require(number(optimizer?["learning_rate"])), momentum = try #require(number(optimizer?["momentum"]))
            points.append([rate, momentum])
            #expect(row[0] == "lr \(rate) momentum \(momentum)", "the row's label names its run's settings: \(row)")
            #expect(number(config["training"]?["epochs"]) == 2 && number(config["data"]?["train_limit"]) == 500, "\(row[5])")
            #expect(config["model"]?["hidden_sizes"] == .list([.number(16)]), "\(row[5])")
            guard case let .list(epochs)? = result["epochs"] else {
                Issue.record("\(row[5])/result.json has no epochs")
                continue
            }
            #expect(epochs.count == 2, "\(row[5])")
            #expect(shows(row[1], number(epochs.last?["loss"])), "final loss \(row[1]) vs \(row[5])/result.json")
            #expect(shows(row[2], number(result["best_validation_accuracy"])), "best validation \(row[2]) vs \(row[5])/result.json")
            #expect(shows(row[3], number(result["test_accuracy"])), "test accuracy \(row[3]) vs \(row[5])/result.json")
            let diverged = result["divergence"].map { $0 != .null } ?? false
            #expect(diverged ? row[4].hasPrefix("diverged") : row[4] == "ok", "\(row)")
            bestValidation[row[0]] = number(result["best_validation_accuracy"])
        }
        let grid = momenta.flatMap { momentum in learningRates.map { [$0, momentum] } }
        #expect(points == grid, "one row per grid point, learning rate varying fastest")
        let bestLine = try #require(stdout.split(separator: "\n").first { $0.hasPrefix("best on validation: ") }, "\(stdout)")
        let best = String(bestLine.dropFirst("best on validation: ".count))
        let highest = try #require(bestValidation.values.max())
        #expect(bestValidation[best] == highest, "'\(best)' is named best, but the highest best validation accuracy is \(highest): \(bestValidation)")
    }
}
