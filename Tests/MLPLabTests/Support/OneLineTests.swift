import Foundation
import MLPLab
import Testing

/// Names shown inside one line (issue 14 #22): one helper, used by errors, tables, Markdown and SVG.
struct OneLineTests {
    @Test("line breaks, control characters and direction overrides become visible escapes; other text is kept")
    func escapesWhatBreaksALine() {
        #expect(OneLine.escaped("boots/0042.jpg") == "boots/0042.jpg")
        #expect(OneLine.escaped("T-shirt/top ü 靴 \\ |") == "T-shirt/top ü 靴 \\ |")
        #expect(OneLine.escaped("a\nb\rc\td") == "a\\nb\\rc\\td")
        #expect(OneLine.escaped("\u{1B}[31mred\u{7F}\u{85}") == "\\x1b[31mred\\x7f\\x85")
        #expect(OneLine.escaped("x\u{2028}y\u{202E}z") == "x\\u2028y\\u202ez")
        #expect(OneLine.escaped(bytes: [0x61, 0xFF, 0xC3, 0xA9, 0x0A, 0xC3]) == "a\\xffé\\n\\xc3")
    }

    @Test("a DatasetError naming a file with a newline stays one line")
    func datasetErrorIsOneLine() {
        let error = DatasetError.cannotDecode(path: "cats/a\nb.png", reason: "not an image")
        #expect("\(error)" == "cannot decode 'cats/a\\nb.png': not an image. Remove or replace the file, or pass data.image_folder.skip_unreadable to skip such files.")
    }

    @Test("SVG text and text tables (summary.md's cells: DataOptionsTests) hold a name with a newline, a pipe or a control character in one cell")
    func tablesAndChartsEscapeNames() throws {
        #expect(SVG.escape("<a\u{1}&\"\n>") == "&lt;a\\x01&amp;&quot;\\n&gt;")
        let table = TextTable(header: ["class", "n"], rows: [["li\nne", "1"], ["ok", "2"]]).text
        #expect(table.split(separator: "\n").count == 3, "\(table)")
        let chart = BarChart(title: "t\u{1}", valueLabel: "images", bars: [("a\nb", 1), ("c\u{0}d", 2)]).svg
        _ = try ElementCounter.parse(chart)  // well-formed XML: no raw control characters
        #expect(chart.contains("a\\nb") && chart.contains("c\\x00d"))
    }
}
