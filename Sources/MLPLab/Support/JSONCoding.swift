import Foundation

/// JSON as every file MLPLab writes and the tool prints it: snake_case keys (`batch_size`,
/// `test_accuracy`), sorted so that the bytes are stable, and non-finite numbers as the strings
/// "nan", "inf" and "-inf", since JSON has no NaN and a diverged loss must stay visible.
///
/// One encoder and one decoder for config.json, result.json, metrics.jsonl, results.json, a
/// checkpoint's state and the tool's JSON output: a value written by one part of MLPLab reads back anywhere.
public enum JSONCoding {
    /// An encoder with MLPLab's conventions; `pretty` adds indentation (files people read),
    /// without it one value is one line (metrics.jsonl, hashing).
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The decoder that reads what `encoder` writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// `value` as JSON bytes with MLPLab's conventions; `pretty` as in `encoder(pretty:)`, on by
    /// default because most files are read by people.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    /// `value` as JSON text.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        String(decoding: try encode(value, pretty: pretty), as: UTF8.self)
    }

    /// A `type` value read from JSON in MLPLab's conventions (snake_case keys, "nan"/"inf" strings).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }
}
