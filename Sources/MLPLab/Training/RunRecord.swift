import Foundation

/// What a run folder's `config.json` holds: everything needed to repeat the run and to check
/// that a resume continues the same one (data, its fingerprint, model, training, machine).
public struct RunRecord: Codable, Equatable, Sendable {
    /// The MLPLab version that wrote the record; a resume does not compare it.
    public var mlplabVersion = MLPLabVersion.string
    /// When the record was made, ISO 8601.
    public var created: String
    /// The command line that started the run (["mlplab"] for runs started from Swift).
    public var command: [String]
    /// Where the data came from and how it was split.
    public var data: DataConfiguration
    /// `Dataset.fingerprint` of the data it trained on.
    public var dataFingerprint: String
    /// The data's class names, in label order.
    public var classNames: [String]
    /// Image width in pixels; with `imageHeight`, it must give `model.inputSize`.
    public var imageWidth: Int
    /// Image height in pixels.
    public var imageHeight: Int
    /// The model's shape.
    public var model: ModelConfiguration
    /// How the model was trained.
    public var training: TrainingConfiguration
    /// The compute engine that ran the products, e.g. "oneDNN 2.6.3"; recorded, not compared.
    public var engine: String
    /// The instruction set the engine dispatched to, e.g. "avx512_core_bf16"; recorded, not compared.
    public var instructionSet: String
    /// The CPU, as `CPUInfo.summary` describes it; recorded, not compared.
    public var cpu: String
    /// Processes that trained the run data-parallel (`mpirun -np N mlplab train`), each with
    /// `training.threads` threads; nil (left out of config.json) for one. Recorded, not compared:
    /// a run may be resumed with another number, which changes only the sums' rounding.
    public var processes: Int?
    /// How the products ran on the machine that started the run (weight orientations, fused
    /// updates; see ``ComputePlan``): measured when it starts, kept so that its resume continues
    /// bit for bit. Recorded, not compared. Nil in records from before it existed, whose runs
    /// continue with `ComputePlan.standard`, the plan they had.
    public var compute: ComputePlan?

    /// A record of a run starting now: the data's fingerprint, classes and image size are taken
    /// from `dataset`, the engine and CPU from this machine. `command` is ["mlplab"] by default,
    /// for runs started from Swift.
    public init(command: [String] = ["mlplab"], data: DataConfiguration, dataset: Dataset, model: ModelConfiguration,
                training: TrainingConfiguration) {
        created = ISO8601DateFormatter().string(from: Date())
        self.command = command
        self.data = data
        dataFingerprint = dataset.fingerprint
        classNames = dataset.classNames
        imageWidth = dataset.imageWidth
        imageHeight = dataset.imageHeight
        self.model = model
        self.training = training
        engine = MatMul.engineVersion
        instructionSet = MatMul.instructionSet
        cpu = CPUInfo.current().summary
    }

    /// Throws ``ConfigurationError`` when any part fails its own check, or when the model does not
    /// fit the recorded data (input size, classes). Called for typed and stored records alike.
    public func validate() throws {
        try data.validate()
        try model.validate()
        try training.validate()
        guard imageWidth >= 1, imageHeight >= 1, imageWidth.multipliedReportingOverflow(by: imageHeight).partialValue == model.inputSize,
              !imageWidth.multipliedReportingOverflow(by: imageHeight).overflow else {
            throw ConfigurationError(setting: "model.input_size", value: model.inputSize,
                                     rule: "must equal the images' \(imageWidth)×\(imageHeight) pixels")
        }
        if let processes, !(2...(1 << 24)).contains(processes) {
            throw ConfigurationError(setting: "processes", value: processes, rule: "must be 2 to 16777216 when present (a run of one process leaves it out)")
        }
        try compute?.validate(for: model)
        if let dropout = training.dropout, dropout.count != 1, dropout.count != model.hiddenSizes.count {
            throw ConfigurationError(setting: "training.dropout", value: dropout.map { "\($0)" }.joined(separator: ","),
                                     rule: "must hold one probability, or one per hidden layer (\(model.hiddenSizes.count) here)")
        }
        guard classNames.count == model.classCount else {
            throw ConfigurationError(setting: "model.class_count", value: model.classCount, rule: "must equal the data's \(classNames.count) classes")
        }
    }

    /// The first setting, as a dotted path of config.json's keys, in which `other` would train
    /// differently from this record (data, model, training, then the data's contents), with
    /// both values; nil if none.
    ///
    /// With `epochsLast`, a different `training.epochs` is named only when nothing else differs:
    /// after resuming a run with more epochs and another change, the change is what to report.
    public func firstDifference(from other: RunRecord, epochsLast: Bool) -> (field: String, stored: String, given: String)? {
        guard epochsLast else { return firstDifference(from: other) }
        var same = other
        same.training.epochs = training.epochs
        return firstDifference(from: same) ?? firstDifference(from: other)
    }

    /// `firstDifference(from:epochsLast:)` in key order, `training.epochs` among the rest.
    public func firstDifference(from other: RunRecord) -> (field: String, stored: String, given: String)? {
        let parts: [(String, [String: String], [String: String])] = [
            ("data", Self.flatten(data, booleansAsWords: true), Self.flatten(other.data, booleansAsWords: true)),
            ("model", Self.flatten(model, booleansAsWords: true), Self.flatten(other.model, booleansAsWords: true)),
            ("training", Self.flatten(training, booleansAsWords: true), Self.flatten(other.training, booleansAsWords: true)),
        ]
        for (prefix, mine, theirs) in parts {
            for key in Set(mine.keys).union(theirs.keys).sorted() where mine[key] != theirs[key] {
                let implicit = Self.implicitValues["\(prefix).\(key)"] ?? "unset"
                return ("\(prefix).\(key)", mine[key] ?? implicit, theirs[key] ?? implicit)
            }
        }
        if dataFingerprint != other.dataFingerprint {
            return ("the data's contents (fingerprint)", dataFingerprint, other.dataFingerprint)
        }
        return nil
    }

    /// Keys config.json leaves out at their value: an SGD run records no `algorithm`.
    static let implicitValues = ["training.optimizer.algorithm": OptimizerAlgorithm.sgd.rawValue]

    /// A value's JSON as "dotted.key" → value text (lists joined with commas). Booleans read 1
    /// and 0, as `configurationKey` has always hashed them; `booleansAsWords` gives true and
    /// false, as config.json spells them, for messages.
    static func flatten(_ value: some Encodable, booleansAsWords: Bool = false) -> [String: String] {
        guard let data = try? JSONCoding.encode(value, pretty: false), let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        var result: [String: String] = [:]
        func text(_ value: Any) -> String {
            // JSONSerialization gives booleans as NSNumbers of type "c".
            if booleansAsWords, let number = value as? NSNumber, String(cString: number.objCType) == "c" {
                return number.boolValue ? "true" : "false"
            }
            return "\(value)"
        }
        func walk(_ value: Any, _ path: String) {
            if let map = value as? [String: Any] {
                for (key, child) in map { walk(child, path.isEmpty ? key : "\(path).\(key)") }
            } else if let list = value as? [Any], !(list.first is [String: Any]) {
                result[path] = list.map(text).joined(separator: ",")
            } else {
                result[path] = text(value)
            }
        }
        walk(object, "")
        return result
    }

    /// A stable hash of what decides the run's result (data, model and training configuration,
    /// the data's fingerprint): the same configuration always gets the same key.
    public var configurationKey: String {
        var hash = StableHash()
        for part in [Self.flatten(data), Self.flatten(model), Self.flatten(training)] {
            for key in part.keys.sorted() { hash.add("\(key)=\(part[key]!)") }
        }
        hash.add(dataFingerprint)
        return hash.hexDigest
    }
}
