import Foundation
import MLPLab
import Testing

struct IDXFuzzRegressionTests {
    /// Found by fuzz/FuzzIDX: a few bytes whose header claims gigabytes made the reader allocate
    /// them up front (out of memory). Now a claim past `IDXFile.maximumBytes` is refused from the
    /// header alone, and a smaller one reads the bytes that are there and reports the truncation.
    @Test("a tiny file claiming gigabytes is refused without allocating them")
    func hugeClaimInTinyFile() throws {
        let url = try #require(Bundle.module.url(forResource: "idx-huge-claim", withExtension: nil, subdirectory: "Fixtures/fuzz"))
        // 51400 × 256 × 200 bytes claimed, 2.6 GB: more than the limit, refused before any payload is read.
        do {
            _ = try IDXFile(path: url.path)
            Issue.record("a header claiming 2.6 GB was accepted")
        } catch let error as DatasetError {
            if case let .badDimensions(path, reason) = error {
                #expect(path == url.path)
                #expect(reason.contains("51400×256×200") && reason.contains("\(IDXFile.maximumBytes)"), "\(reason)")
                #expect("\(error)".contains("'\(url.path)'") && "\(error)".contains("Check that you gave the right file"), "\(error)")
            } else {
                Issue.record("expected badDimensions naming the claimed sizes, got \(error)")
            }
        }
        // The same 25 bytes with the last dimension 1: 51400 × 256 bytes claimed (13 MB, under the
        // limit), 9 there. The reader takes the 9 and names the shortfall.
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes.replaceSubrange(12..<16, with: [0, 0, 0, 1])
        let smaller = try IDXFixture.write(bytes, to: try TestSupport.temporaryDirectory().appendingPathComponent("idx-claim"))
        #expect(throws: DatasetError.truncated(path: smaller, expected: 51400 * 256, actual: 9)) { try IDXFile(path: smaller) }
        do { _ = try IDXFile(path: smaller) } catch {
            #expect("\(error)".contains("'\(smaller)'") && "\(error)".contains("Download or copy it again"), "\(error)")
        }
    }
}
