import Foundation
import MLPLab
import Testing

/// The data options end to end (issue 14): --resize on IDX data (#10), names that hold line
/// breaks (#22), unusable entries with and without --skip-unreadable (#16, #17).
@Suite(.serialized)
struct DataOptionsTests {
    /// A folder of Fashion-MNIST-shaped IDX files: 60 train and 20 test images of 4×4, ten classes.
    static func idxFolder() throws -> String {
        let directory = try TestSupport.temporaryDirectory("idx")
        for (name, count) in [("train", 60), ("t10k", 20)] {
            let labels = (0..<count).map { UInt8($0 % 10) }
            let pixels = (0..<(count * 16)).map { UInt8(truncatingIfNeeded: ($0 / 16 % 10) * 25 + $0 % 16) }
            _ = try IDXFixture.write(IDXFixture.bytes(magic: [0, 0, 8, 3], dimensions: [count, 4, 4], payload: pixels),
                                     to: directory.appendingPathComponent("\(name)-images-idx3-ubyte"))
            _ = try IDXFixture.write(IDXFixture.bytes(magic: [0, 0, 8, 1], dimensions: [count], payload: labels),
                                     to: directory.appendingPathComponent("\(name)-labels-idx1-ubyte"))
        }
        return directory.path
    }

    @Test("--resize applies to IDX data as to folders: info, train, its config.json and summary, and evaluate agree on the size")
    func resizeAppliesToIDXData() throws {
        let data = try Self.idxFolder()
        let info = try Tool.run(["info", data, "--resize", "2x3", "--json"])
        #expect(info.status == 0, "\(info.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        #expect(object["width"] as? Int == 2 && object["height"] as? Int == 3 && object["images"] as? Int == 80)

        let runs = try TestSupport.temporaryDirectory("runs").path
        let train = try Tool.run(["train", data, "--resize", "2x3", "--epochs", "1", "--hidden", "4", "--val", "0",
                                  "--run-dir", runs, "--name", "r", "--threads", "1"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("2×3, 10 classes") && train.stdout.contains("model   6-4-10,"), "\(train.stdout)")
        let config = try String(contentsOfFile: runs + "/r/config.json", encoding: .utf8)
        #expect(config.contains("\"resize\"") && config.contains("\"width\" : 2"), "\(config)")
        let summary = try String(contentsOfFile: runs + "/r/summary.md", encoding: .utf8)
        #expect(summary.contains("(2×3, 10 classes)"), "\(summary)")
        // evaluate reads the stored configuration, --resize included.
        let evaluation = try Tool.run(["evaluate", runs + "/r", "--json"])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        #expect(try JSONCoding.decode(ModelEvaluation.self, from: Data(evaluation.stdout.utf8)).samples == 20)
        // The model file records the resize (adversarial 13): predict resizes a 4×4 image as training
        // did, and evaluate given the bare model file reads the data resized.
        let png = runs + "/four.png"
        try GrayImage(width: 4, height: 4, pixels: (0..<16).map { UInt8($0 * 16) }).pngData().write(to: URL(fileURLWithPath: png))
        let predicted = try Tool.run(["predict", runs + "/r", png])
        #expect(predicted.status == 0 && predicted.stdout.hasPrefix(png + ": "), "\(predicted.stderr)")
        let bare = try Tool.run(["evaluate", runs + "/r/model.safetensors", data, "--json"])
        #expect(bare.status == 0, "\(bare.stderr)")
    }

    @Test("--resize past --max-decoded-bytes on IDX data is one line and exit 1 in info and train, not a crash (adversarial 1)")
    func resizePastTheLimitOnIDXData() throws {
        let data = try Self.idxFolder()
        for arguments in [["info", data, "--resize", "65536x65536"], ["info", data, "--resize", "100x100", "--max-decoded-bytes", "100000"],
                          ["train", data, "--resize", "65536x65536", "--epochs", "1", "--hidden", "4", "--threads", "1",
                           "--run-dir", try TestSupport.temporaryDirectory("runs").path]] {
            let result = try Tool.run(arguments)
            #expect(result.status == 1 && result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("--resize") && result.stderr.contains("--max-decoded-bytes"), "\(result.stderr)")
        }
    }

    @Test("a bad --name is a usage error naming it; a --run-dir with a line break is printed escaped (adversarial 16)")
    func badNamesAndEscapedRunLine() throws {
        let data = try Self.idxFolder()
        let runs = try TestSupport.temporaryDirectory("runs").path
        for name in ["new\nline", String(repeating: "n", count: 300)] {
            let refused = try Tool.run(["train", data, "--epochs", "1", "--hidden", "4", "--threads", "1", "--run-dir", runs, "--name", name])
            #expect(refused.status == 64 && refused.stderr.contains("--name") && refused.stdout.isEmpty, "\(refused.stderr)")
        }
        try FileManager.default.createSymbolicLink(atPath: runs + "/dl", withDestinationPath: runs + "/nowhere")
        let dangling = try Tool.run(["train", data, "--epochs", "1", "--hidden", "4", "--threads", "1", "--run-dir", runs, "--name", "dl"])
        #expect(dangling.status == 1 && dangling.stderr.contains("symbolic link") && !dangling.stderr.contains("disk has space"), "\(dangling.stderr)")
        let trained = try Tool.run(["train", data, "--epochs", "1", "--hidden", "4", "--threads", "1", "--run-dir", runs + "/new\nline", "--name", "r"])
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("run     \(runs)/new\\nline/r") && !trained.stdout.contains("new\nline"), "\(trained.stdout)")
    }

    @Test("--resize on Fashion-MNIST gives 14×14 images", .enabled(if: TestSupport.fashionMNISTAvailable))
    func resizeAppliesToFashionMNIST() throws {
        let info = try Tool.run(["info", "fashion-mnist", "--resize", "14x14"])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("70000 images of 14×14"), "\(info.stdout)")
    }

    @Test("class and file names with a newline, a pipe, a control character or HTML: one-line errors, intact tables and SVGs")
    func namesWithLineBreaksAreEscaped() throws {
        let folder = try FolderBuilder()
        let classes = ["li\nne", "pi|pe", "be\u{7}ll", "<b>&amp;"]
        for (c, name) in classes.enumerated() {
            for i in 0..<12 { try folder.write("\(name)/\(i).png", FolderBuilder.image(seed: c * 20 + i)) }
        }
        try folder.write("li\nne/bad\nfile.png", Data("not an image".utf8))
        let failed = try Tool.run(["info", folder.path, "--no-cache"])
        #expect(failed.status == 1)
        #expect(failed.stderr.split(separator: "\n").count == 1 && failed.stderr.contains("li\\nne/bad\\nfile.png"), "\(failed.stderr)")
        #expect(!failed.stderr.contains("\u{7}"))

        let skipped = try Tool.run(["info", folder.path, "--no-cache", "--skip-unreadable"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("li\\nne/bad\\nfile.png ("), "\(skipped.stderr)")
        // The table: a header and three rows, whatever the names hold.
        let lines = skipped.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains { $0.hasPrefix("be\\x07ll ") } && lines.contains { $0.hasPrefix("li\\nne ") }, "\(skipped.stdout)")

        let runs = try TestSupport.temporaryDirectory("runs").path
        try FileManager.default.removeItem(atPath: folder.path + "/li\nne/bad\nfile.png")
        let train = try Tool.run(["train", folder.path, "--epochs", "1", "--hidden", "4", "--run-dir", runs, "--name", "n",
                                  "--no-cache", "--threads", "1"])
        #expect(train.status == 0, "\(train.stderr)")
        let summary = try String(contentsOfFile: runs + "/n/summary.md", encoding: .utf8)
        let rows = summary.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.hasSuffix(" |") }
        #expect(rows.contains { $0.hasPrefix("| li\\nne | ") } && rows.contains { $0.hasPrefix("| pi\\|pe | ") }
                && rows.contains { $0.hasPrefix("| be\\x07ll | ") }, "\(summary)")
        // Markdown renders raw HTML: <, > and & become entities (adversarial finding 19).
        #expect(rows.contains { $0.hasPrefix("| &lt;b&gt;&amp;amp; | ") } && !summary.contains("<b>"), "\(summary)")
        #expect(!summary.contains("\u{7}") && !summary.contains("li\nne"))
        for chart in ["per-class.svg", "confusion.svg", "loss.svg"] {
            let svg = try String(contentsOfFile: runs + "/n/" + chart, encoding: .utf8)
            _ = try ElementCounter.parse(svg)
        }
    }

    @Test("every file --skip-unreadable skipped is in info --json and the run's summary.md; the note says where (adversarial 15)")
    func everySkippedFileIsListed() throws {
        let folder = try FolderBuilder.twoClasses(perClass: 10)
        let bad = (0..<5).map { "boots/bad\($0).jpg" }
        for path in bad { try folder.write(path, Data("not an image".utf8)) }
        let info = try Tool.run(["info", folder.path, "--no-cache", "--skip-unreadable", "--json"])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stderr.contains("skipped 5 unreadable files") && info.stderr.contains("info --json") && info.stderr.contains("summary.md"), "\(info.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        let listed = try #require(object["skipped"] as? [[String: Any]])
        #expect(Set(listed.compactMap { $0["path"] as? String }) == Set(bad) && listed.allSatisfy { $0["reason"] is String }, "\(info.stdout)")

        let runs = try TestSupport.temporaryDirectory("runs").path
        let train = try Tool.run(["train", folder.path, "--no-cache", "--skip-unreadable", "--epochs", "1", "--hidden", "4",
                                  "--threads", "1", "--run-dir", runs, "--name", "s"])
        #expect(train.status == 0, "\(train.stderr)")
        let summary = try String(contentsOfFile: runs + "/s/summary.md", encoding: .utf8)
        #expect(summary.contains("## Skipped files") && bad.allSatisfy { summary.contains("| \($0) | ") }, "\(summary)")
    }

    @Test("a dangling link named README or notes.txt does not stop train; a dangling image link does, naming --skip-unreadable")
    func danglingLinksEndToEnd() throws {
        let folder = try FolderBuilder.twoClasses(perClass: 10)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/boots/README", withDestinationPath: "/nonexistent/README")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/shirts/notes.txt", withDestinationPath: "/nonexistent/notes")
        let ignored = try Tool.run(["info", folder.path, "--no-cache"])
        #expect(ignored.status == 0, "\(ignored.stderr)")
        #expect(ignored.stderr.contains("ignored 2 files that are not images by their extension"), "\(ignored.stderr)")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/boots/gone.jpg", withDestinationPath: "/nonexistent/gone.jpg")
        let stopped = try Tool.run(["info", folder.path, "--no-cache"])
        #expect(stopped.status == 1 && stopped.stderr.split(separator: "\n").count == 1, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("boots/gone.jpg': it is a dangling symbolic link") && stopped.stderr.contains("--skip-unreadable"), "\(stopped.stderr)")
        let skipped = try Tool.run(["info", folder.path, "--no-cache", "--skip-unreadable"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("skipped 1 unreadable file (--skip-unreadable): boots/gone.jpg (it is a dangling symbolic link"), "\(skipped.stderr)")
    }
}
