import Foundation
import MLPLab
import Testing

/// TensorBoard's event files: CRC-32C, the protobuf wire format, TFRecord framing, and a file the
/// `tensorboard` Python package wrote (scripts/make-tensorboard-fixture.py) read back.
struct TensorBoardEventTests {
    @Test("CRC-32C gives the standard check value and its masked form rotates and offsets it")
    func crc() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)  // RFC 3720, B.4
        let crc: UInt32 = 0xE306_9283
        #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test("varints round-trip at every length boundary; negative numbers take ten bytes",
          arguments: [Int64(0), 1, 127, 128, 16_383, 16_384, 1 << 35, 1 << 40, Int64.max, -1, Int64.min])
    func varints(value: Int64) throws {
        var message = ProtobufMessage()
        message.append(2, varint: value)
        let fields = try ProtobufMessage.fields(of: message.bytes)
        #expect(fields == [ProtobufMessage.Field(number: 2, value: .varint(UInt64(bitPattern: value)))])
        #expect(fields.first?.integer == value)
        let length = message.bytes.count - 1  // after the one-byte key
        #expect(length == (value < 0 ? 10 : max(1, (64 - value.leadingZeroBitCount + 6) / 7)))
    }

    @Test("a malformed message is an error naming the byte, never a crash", arguments: [
        [UInt8]([0x08]),                                  // a varint field with no value
        [0x08, 0x80, 0x80],                               // a varint cut short
        [0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01],  // eleven bytes
        [0x12, 0x05, 0x61],                               // 5 bytes announced, 1 there
        [0x11, 0x00, 0x00],                               // a fixed64 cut short
        [0x0B],                                           // wire type 3 (a group)
        [0x00, 0x00],                                     // field number 0
    ])
    func malformed(bytes: [UInt8]) {
        #expect(throws: ProtobufMessage.FormatError.self) { try ProtobufMessage.fields(of: bytes) }
    }

    @Test("events round-trip through records: steps, float edge values, tags, plugin data")
    func eventsRoundTrip() throws {
        let values: [Float] = [0, -0.0, 1, .pi, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-30]
        var events = [TensorBoardEvent(wallTime: 1.5, step: 0, content: .fileVersion(TensorBoardEvent.fileVersion))]
        for (index, value) in values.enumerated() {
            events.append(TensorBoardEvent(wallTime: 1_700_000_000.25 + Double(index), step: Int64(index) << 33,
                                           content: .summary([.init(tag: "loss/train ü \(index)", scalar: value)])))
        }
        events.append(TensorBoardEvent(wallTime: 2, step: 7, content: .summary([
            .init(tag: "_hparams_/session_start_info", pluginName: "hparams", pluginContent: [0x1A, 0x00]),
            .init(tag: "two values", scalar: 3)])))
        var bytes: [UInt8] = []
        for event in events { bytes += TensorBoardEventFile.record(event.encoded) }
        let (records, damage) = TensorBoardEventFile.records(in: bytes)
        #expect(damage == nil)
        let decoded = try records.map(TensorBoardEvent.init(decoding:))
        #expect(decoded == events)
        let nan = TensorBoardEvent.scalar("nan", .nan, step: 3, wallTime: 0)
        #expect(try TensorBoardEvent(decoding: nan.encoded).scalars.first?.value.isNaN == true)
    }

    @Test("a damaged record stops the reading there, with the records before it kept and the damage named")
    func damage() {
        let events = (1...3).map { TensorBoardEvent.scalar("loss/train", Double($0), step: Int64($0), wallTime: 0) }
        let whole = events.flatMap { TensorBoardEventFile.record($0.encoded) }
        let size = whole.count / 3
        var flipped = whole
        flipped[size + 14] ^= 0x01  // in the second record's data
        var (records, damage) = TensorBoardEventFile.records(in: flipped)
        #expect(records.count == 1 && damage?.contains("byte \(size)") == true && damage?.contains("data checksum") == true)
        var length = whole
        length[2 * size + 1] ^= 0x40  // the third record's length
        (records, damage) = TensorBoardEventFile.records(in: length)
        #expect(records.count == 2 && damage?.contains("length checksum") == true)
        for cut in [1, 8, 13, size - 1] {
            (records, damage) = TensorBoardEventFile.records(in: Array(whole.prefix(2 * size + cut)))
            #expect(records.count == 2 && damage?.contains("cut short") == true, "cut at \(cut)")
        }
    }

    @Test("a file the tensorboard package wrote reads back with its tags, steps, values and hparams; ours encode the same bytes")
    func tensorboardFixture() throws {
        let folder = try #require(Bundle.module.url(forResource: "tensorboard", withExtension: nil, subdirectory: "Fixtures"))
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("expected.json"))) as! [String: Any]
        let path = folder.appendingPathComponent("events.out.tfevents.fixture").path
        let (events, damage) = try TensorBoardEventFile.events(contentsOf: path)
        #expect(damage == nil)
        #expect(events.first?.content == .fileVersion(TensorBoardEvent.fileVersion))
        let scalars = events.flatMap { event in event.scalars.map { (event.step, event.wallTime, $0.tag, $0.value) } }
        let want = (expected["scalars"] as! [[String: Any]]).map {
            (Int64(($0["step"] as! NSNumber).int64Value), ($0["wall_time"] as! NSNumber).doubleValue, $0["tag"] as! String,
             Float(($0["value"] as! NSNumber).doubleValue))
        }
        #expect(scalars.count == want.count)
        for (got, wanted) in zip(scalars, want) {
            #expect(got.0 == wanted.0 && got.1 == wanted.1 && got.2 == wanted.2 && got.3.bitPattern == wanted.3.bitPattern, "\(got) vs \(wanted)")
        }
        let hparams = try #require(events.last.flatMap { event -> TensorBoardEvent.SummaryValue? in
            guard case .summary(let values) = event.content else { return nil }
            return values.first
        })
        #expect(hparams.tag == TrainingEventLog.Tag.sessionStart && hparams.pluginName == "hparams")
        #expect(hparams.pluginContent.map { String(format: "%02x", $0) }.joined() == expected["hparams_content_hex"] as? String)

        // The records MLPLab would write for the same scalars are the package's, byte for byte.
        let (records, _) = TensorBoardEventFile.records(in: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        var compared = 0
        for (record, event) in zip(records, events) where event.scalars.count == 1 && event.scalars[0].tag != "new_style" {
            #expect(TensorBoardEvent.scalar(event.scalars[0].tag, Double(event.scalars[0].value), step: event.step,
                                            wallTime: event.wallTime).encoded == record)
            compared += 1
        }
        #expect(compared == 5)
    }
}
