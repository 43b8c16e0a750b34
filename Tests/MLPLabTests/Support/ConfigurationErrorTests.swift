import MLPLab
import Testing

/// A configuration's checks name the setting by its key in config.json, as a Swift caller and
/// the file see it; the command line shows its flags instead (CLI/FlagNamesTests).
struct ConfigurationErrorTests {
    /// The error `body` throws, or nil.
    static func error(_ body: () throws -> Void) -> ConfigurationError? {
        do { try body(); return nil } catch { return error as? ConfigurationError }
    }

    @Test("a batch size of 0 set from Swift names training.batch_size, not a flag")
    func batchSizeErrorNamesTheKey() throws {
        var training = TrainingConfiguration()
        training.batchSize = 0
        let error = try #require(Self.error { try training.validate() })
        #expect(error.setting == "training.batch_size")
        #expect(error.description == "training.batch_size must be at least 1 (got 0); the assignment uses 64.")
    }

    @Test("every configuration's check names config.json's key")
    func everyCheckNamesItsKey() {
        var training = TrainingConfiguration()
        training.optimizer.learningRate = -1
        var data = DataConfiguration()
        data.testFraction = 0
        var folder = DataConfiguration()
        folder.imageFolder.maximumPixels = 0
        let cases: [(String, ConfigurationError?)] = [
            ("training.optimizer.learning_rate", Self.error { try training.validate() }),
            ("data.test_fraction", Self.error { try data.validate() }),
            ("data.image_folder.maximum_pixels", Self.error { try folder.validate() }),
            ("model.hidden_sizes", Self.error { try ModelConfiguration(inputSize: 4, hiddenSizes: [0], classCount: 2).validate() }),
            ("model.hidden_sizes", Self.error { try ModelConfiguration(inputSize: 4, hiddenSizes: Array(repeating: 2, count: 65), classCount: 2).validate() }),
            ("model.class_count", Self.error { try ModelConfiguration(inputSize: 4, classCount: 0).validate() }),
        ]
        for (key, error) in cases {
            #expect(error?.setting == key && error?.description.contains("--") == false, "\(key): \(String(describing: error))")
        }
    }

    @Test("in a stored file the key is quoted after its prefix, without the fix")
    func storedErrorQuotesTheKey() {
        let error = ConfigurationError(setting: "training.batch_size", value: 0, rule: "must be at least 1", fix: "the assignment uses 64")
        #expect(error.inFile().description == "'training.batch_size' must be at least 1 (got 0).")
        #expect(error.inFile(prefix: "record.").description == "'record.training.batch_size' must be at least 1 (got 0).")
    }
}
