/// The protocol-buffer wire format, the little of it TensorBoard's event files need: varints,
/// 64- and 32-bit fixed fields, and length-delimited fields (strings, bytes, nested messages).
///
/// Writing: ``ProtobufMessage`` appends fields in the order they are given. Reading:
/// `ProtobufMessage.fields(of:)` splits a message into its fields, throwing on a truncated or
/// malformed one. Field numbers are the `.proto` files' (tensorboard/compat/proto/event.proto,
/// summary.proto; tensorboard/plugins/hparams/plugin_data.proto).
public struct ProtobufMessage: Sendable, Equatable {
    /// The encoded message.
    public private(set) var bytes: [UInt8] = []

    /// An empty message.
    public init() {}

    /// The wire types a field can have.
    public enum WireType: UInt8, Sendable {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// Appends `value` as a base-128 varint, low groups first.
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func appendKey(_ field: Int, _ type: WireType) {
        appendVarint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    /// An int64, int32, bool or enum field (negative numbers take ten bytes, as protobuf encodes them).
    public mutating func append(_ field: Int, varint value: Int64) {
        appendKey(field, .varint)
        appendVarint(UInt64(bitPattern: value))
    }

    /// A double field.
    public mutating func append(_ field: Int, double value: Double) {
        appendKey(field, .fixed64)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A float field.
    public mutating func append(_ field: Int, float value: Float) {
        appendKey(field, .fixed32)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A bytes field.
    public mutating func append(_ field: Int, bytes value: [UInt8]) {
        appendKey(field, .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A string field, UTF-8.
    public mutating func append(_ field: Int, string value: String) {
        append(field, bytes: Array(value.utf8))
    }

    /// A nested message field.
    public mutating func append(_ field: Int, message: ProtobufMessage) {
        append(field, bytes: message.bytes)
    }

    /// A nested message field built by `build`.
    public mutating func append(_ field: Int, _ build: (inout ProtobufMessage) -> Void) {
        var message = ProtobufMessage()
        build(&message)
        append(field, message: message)
    }

    // MARK: Reading

    /// One field of a message as read: its number and value.
    public struct Field: Sendable, Equatable {
        /// The field's number in its `.proto`.
        public var number: Int
        /// The field's value, by wire type.
        public var value: Value

        /// A field `number` holding `value`.
        public init(number: Int, value: Value) {
            self.number = number
            self.value = value
        }

        /// A field's value as the wire carries it.
        public enum Value: Sendable, Equatable {
            case varint(UInt64)
            case fixed64(UInt64)
            case fixed32(UInt32)
            case bytes([UInt8])
        }

        /// The value as a double (a fixed64 field), nil for another wire type.
        public var double: Double? {
            guard case .fixed64(let bits) = value else { return nil }
            return Double(bitPattern: bits)
        }
        /// The value as a float (a fixed32 field), nil for another wire type.
        public var float: Float? {
            guard case .fixed32(let bits) = value else { return nil }
            return Float(bitPattern: bits)
        }
        /// The value as a signed integer (a varint field, two's complement), nil for another wire type.
        public var integer: Int64? {
            guard case .varint(let raw) = value else { return nil }
            return Int64(bitPattern: raw)
        }
        /// The value's bytes (a length-delimited field), nil for another wire type.
        public var bytes: [UInt8]? {
            guard case .bytes(let raw) = value else { return nil }
            return raw
        }
        /// The value as UTF-8 text, nil when it is not a length-delimited field of valid UTF-8.
        public var string: String? { bytes.flatMap { String(validating: $0, as: UTF8.self) } }
    }

    /// What is wrong with bytes that do not parse as a message.
    public struct FormatError: Error, CustomStringConvertible, Sendable {
        /// What was wrong, and at which byte.
        public var description: String
    }

    /// The fields of the message `bytes`, in order. Throws `FormatError` for a truncated field,
    /// a varint longer than ten bytes, a field number of 0 or a wire type protobuf no longer uses
    /// (groups).
    public static func fields(of bytes: [UInt8]) throws -> [Field] {
        var fields: [Field] = []
        var offset = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 70, by: 7) {
                guard offset < bytes.count else { throw FormatError(description: "a varint runs past the end at byte \(offset)") }
                let byte = bytes[offset]
                offset += 1
                guard shift < 64 else { throw FormatError(description: "a varint is longer than ten bytes at byte \(offset)") }
                value |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte < 0x80 { return value }
            }
            throw FormatError(description: "a varint is longer than ten bytes at byte \(offset)")
        }
        func fixed(_ size: Int) throws -> UInt64 {
            guard bytes.count - offset >= size else { throw FormatError(description: "a \(size * 8)-bit field runs past the end at byte \(offset)") }
            var value: UInt64 = 0
            for i in 0..<size { value |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
            offset += size
            return value
        }
        while offset < bytes.count {
            let start = offset
            let key = try varint()
            let number = key >> 3
            guard number > 0, number < 1 << 29 else { throw FormatError(description: "field number \(number) at byte \(start)") }
            switch WireType(rawValue: UInt8(key & 7)) {
            case .varint: fields.append(Field(number: Int(number), value: .varint(try varint())))
            case .fixed64: fields.append(Field(number: Int(number), value: .fixed64(try fixed(8))))
            case .fixed32: fields.append(Field(number: Int(number), value: .fixed32(UInt32(try fixed(4)))))
            case .lengthDelimited:
                let length = try varint()
                guard length <= UInt64(bytes.count - offset) else {
                    throw FormatError(description: "a field of \(length) bytes runs past the end at byte \(start)")
                }
                fields.append(Field(number: Int(number), value: .bytes(Array(bytes[offset..<(offset + Int(length))]))))
                offset += Int(length)
            case nil: throw FormatError(description: "wire type \(key & 7) at byte \(start)")
            }
        }
        return fields
    }
}
