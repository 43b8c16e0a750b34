import Foundation
import MLPLab
import Testing

struct IDXFuzzRegressionTests {
    /// Found by fuzz/FuzzIDX: a few bytes whose header claims gigabytes made the reader allocate
    /// them up front (out of memory). Now it reads what is there and reports the truncation.
    @Test("a tiny file claiming gigabytes is refused without allocating them")
    func hugeClaimInTinyFile() throws {
        let url = try #require(Bundle.module.url(forResource: "idx-huge-claim", withExtension: nil, subdirectory: "Fixtures/fuzz"))
        #expect(throws: DatasetError.self) { try IDXFile(path: url.path) }
        do { _ = try IDXFile(path: url.path) } catch let error as DatasetError {
            switch error {
            case .truncated, .badDimensions, .badMagic, .unreadable: break
            default: Issue.record("unexpected error \(error)")
            }
        }
    }
}
