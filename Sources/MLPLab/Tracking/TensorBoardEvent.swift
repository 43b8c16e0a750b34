/// One record of a TensorBoard event file: the `Event` protobuf of
/// tensorboard/compat/proto/event.proto, the parts MLPLab writes and reads.
///
/// MLPLab writes three kinds: the file's version (`brain.Event:2`, first in every file), a scalar
/// (`Summary.Value.simple_value`, a float32, as `torch.utils.tensorboard`'s `add_scalar`
/// writes it) and a plugin summary that carries only metadata (the HParams plugin's session
/// start and end, as `add_hparams` writes them). It reads those, scalars written as one-element
/// float or double tensors (TensorBoard's newer form), and keeps any other event as its bytes.
public struct TensorBoardEvent: Sendable, Equatable {
    /// Seconds since 1970 when the event was written.
    public var wallTime: Double
    /// The step it belongs to: batches trained so far, as PyTorch's global_step.
    public var step: Int64
    /// What the event holds.
    public var content: Content

    /// What an event holds.
    public enum Content: Sendable, Equatable {
        /// The file's format version, "brain.Event:2".
        case fileVersion(String)
        /// Summary values (MLPLab writes one per event).
        case summary([SummaryValue])
        /// Any other event (a graph, a session log, …), kept as its encoded bytes.
        case other([UInt8])
    }

    /// One `Summary.Value`: a tag and either a scalar or a plugin's metadata.
    public struct SummaryValue: Sendable, Equatable {
        /// The value's tag, "loss/train", "_hparams_/session_start_info", ….
        public var tag: String
        /// The scalar, when the value is one.
        public var scalar: Float?
        /// The plugin that owns the value ("scalars", "hparams", …), when its metadata names one.
        public var pluginName: String?
        /// The plugin's own data (a serialized protobuf of that plugin), empty when none.
        public var pluginContent: [UInt8]

        /// A value; give `scalar` for a scalar, `pluginName` and `pluginContent` for a plugin's.
        public init(tag: String, scalar: Float? = nil, pluginName: String? = nil, pluginContent: [UInt8] = []) {
            self.tag = tag
            self.scalar = scalar
            self.pluginName = pluginName
            self.pluginContent = pluginContent
        }
    }

    /// An event.
    public init(wallTime: Double, step: Int64, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The version string every event file starts with.
    public static let fileVersion = "brain.Event:2"

    /// The scalar event `tag` = `value` at `step`.
    public static func scalar(_ tag: String, _ value: Double, step: Int64, wallTime: Double) -> TensorBoardEvent {
        TensorBoardEvent(wallTime: wallTime, step: step, content: .summary([SummaryValue(tag: tag, scalar: Float(value))]))
    }

    /// The scalars of this event, (tag, value), in order; empty for other events.
    public var scalars: [(tag: String, value: Float)] {
        guard case .summary(let values) = content else { return [] }
        return values.compactMap { value in value.scalar.map { (value.tag, $0) } }
    }

    // MARK: Encoding

    /// The event as protobuf bytes (Event: wall_time 1, step 2, file_version 3, summary 5).
    public var encoded: [UInt8] {
        if case .other(let bytes) = content { return bytes }
        var event = ProtobufMessage()
        event.append(1, double: wallTime)
        if step != 0 { event.append(2, varint: step) }
        switch content {
        case .fileVersion(let version):
            event.append(3, string: version)
        case .summary(let values):
            event.append(5) { summary in
                for value in values {
                    summary.append(1) { entry in  // Summary.value
                        entry.append(1, string: value.tag)
                        if let scalar = value.scalar { entry.append(2, float: scalar) }  // simple_value
                        if let plugin = value.pluginName {
                            entry.append(9) { metadata in  // SummaryMetadata
                                metadata.append(1) { data in  // plugin_data
                                    data.append(1, string: plugin)
                                    if !value.pluginContent.isEmpty { data.append(2, bytes: value.pluginContent) }
                                }
                            }
                        }
                    }
                }
            }
        case .other: break
        }
        return event.bytes
    }

    /// The event encoded as `bytes`. Throws `ProtobufMessage.FormatError` when they are not an
    /// Event message.
    public init(decoding bytes: [UInt8]) throws {
        self = try Self.decode(bytes)
    }

    private static func decode(_ bytes: [UInt8]) throws -> TensorBoardEvent {
        var event = TensorBoardEvent(wallTime: 0, step: 0, content: .other(bytes))
        var known: Content?
        var unknown = false
        for field in try ProtobufMessage.fields(of: bytes) {
            switch field.number {
            case 1:
                guard let time = field.double else { throw wrongType("wall_time") }
                event.wallTime = time
            case 2:
                guard let step = field.integer else { throw wrongType("step") }
                event.step = step
            case 3:
                guard let version = field.string else { throw wrongType("file_version") }
                known = .fileVersion(version)
            case 5:
                guard let summary = field.bytes else { throw wrongType("summary") }
                known = .summary(try summaryValues(summary))
            case 10:
                break  // source_metadata (the writer's name): nothing to keep
            default:
                unknown = true
            }
        }
        if !unknown, let known { event.content = known }
        return event
    }

    private static func wrongType(_ name: String) -> ProtobufMessage.FormatError {
        ProtobufMessage.FormatError(description: "the event's \(name) has the wrong wire type")
    }

    /// The `Summary.Value`s of a Summary message (field 1, repeated): tag 1, simple_value 2,
    /// tensor 8, metadata 9 { plugin_data 1 { plugin_name 1, content 2 } }.
    private static func summaryValues(_ bytes: [UInt8]) throws -> [SummaryValue] {
        var values: [SummaryValue] = []
        for field in try ProtobufMessage.fields(of: bytes) where field.number == 1 {
            guard case .bytes(let entry) = field.value else { throw wrongType("summary value") }
            var value = SummaryValue(tag: "")
            for part in try ProtobufMessage.fields(of: entry) {
                switch (part.number, part.value) {
                case (1, .bytes(let tag)):
                    guard let text = String(validating: tag, as: UTF8.self) else { throw wrongType("tag") }
                    value.tag = text
                case (2, .fixed32(let bits)): value.scalar = Float(bitPattern: bits)
                case (8, .bytes(let tensor)): value.scalar = try tensorScalar(tensor)
                case (9, .bytes(let metadata)): try readPluginData(metadata, into: &value)
                case (1, _), (2, _), (8, _), (9, _): throw wrongType("summary value's field \(part.number)")
                default: break
                }
            }
            values.append(value)
        }
        return values
    }

    /// SummaryMetadata's plugin_data (field 1) into `value`.
    private static func readPluginData(_ metadata: [UInt8], into value: inout SummaryValue) throws {
        for field in try ProtobufMessage.fields(of: metadata) where field.number == 1 {
            guard case .bytes(let data) = field.value else { throw wrongType("plugin_data") }
            for part in try ProtobufMessage.fields(of: data) {
                switch (part.number, part.value) {
                case (1, .bytes(let name)): value.pluginName = String(decoding: name, as: UTF8.self)
                case (2, .bytes(let content)): value.pluginContent = content
                case (1, _), (2, _): throw wrongType("plugin_data's field \(part.number)")
                default: break
                }
            }
        }
    }

    /// A one-element float (TensorProto field 5) or double (field 6) tensor as a Float; nil for
    /// any other tensor. Both may come packed (one length-delimited run) or as single fields.
    private static func tensorScalar(_ bytes: [UInt8]) throws -> Float? {
        var values: [Float] = []
        for field in try ProtobufMessage.fields(of: bytes) {
            switch (field.number, field.value) {
            case (5, .fixed32(let bits)): values.append(Float(bitPattern: bits))
            case (6, .fixed64(let bits)): values.append(Float(Double(bitPattern: bits)))
            case (5, .bytes(let packed)) where packed.count % 4 == 0:
                for i in stride(from: 0, to: packed.count, by: 4) {
                    values.append(Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(packed[i + $1]) << UInt32(8 * $1) }))
                }
            case (6, .bytes(let packed)) where packed.count % 8 == 0:
                for i in stride(from: 0, to: packed.count, by: 8) {
                    values.append(Float(Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(packed[i + $1]) << UInt64(8 * $1) })))
                }
            default: break
            }
        }
        return values.count == 1 ? values[0] : nil
    }
}
