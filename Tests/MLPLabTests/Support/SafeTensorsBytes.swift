import Foundation

/// Builds safetensors bytes by hand, so each rule of the reader can be broken on purpose.
enum SafeTensorsBytes {
    static func file(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> Data {
        let json = Data(header.utf8)
        var bytes = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + json + Data(data)
    }
}
