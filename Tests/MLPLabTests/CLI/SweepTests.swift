import Foundation
import MLPLab
import Testing

@Suite(.serialized, .enabled(if: TestSupport.fashionMNISTAvailable))
struct SweepTests {
    @Test("a sweep over a range trains each value once, prints a table, and reuses on a second run")
    func sweepRange() throws {
        let output = try TestSupport.temporaryDirectory().path + "/sweep"
        let arguments = ["sweep", "fashion-mnist", "--lr", "0.01:0.04:x2", "--momentum", "0,0.9", "--epochs", "2", "--subset", "500",
                         "--hidden", "16", "-o", output]
        let first = try Tool.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("(6 trained, 0 reused)"), "\(first.stdout)")
        #expect(first.stdout.contains("lr 0.04 momentum 0.9"))
        for file in ["sweep.md", "loss.svg", "accuracy.svg"] { #expect(FileManager.default.fileExists(atPath: output + "/" + file)) }
        let second = try Tool.run(arguments)
        #expect(second.stdout.contains("(0 trained, 6 reused)"), "\(second.stdout)")
        let bad = try Tool.run(["sweep", "--lr", "0.1:0.01:x2"])
        #expect(bad.status == 64 && bad.stderr.contains("--lr"), "\(bad.stderr)")
    }
}
