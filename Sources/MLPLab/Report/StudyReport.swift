import Foundation

/// Writes a study's report: `index.html` (self-contained: inline CSS and SVG, no script, no
/// network), `report.md` (charts as files under `charts/`) and `results.json` (the
/// ``StudyResult`` as it is: numbers, runs, choices; no prose, no SVG). Every file is written
/// atomically. Every part's text and charts are built here, from the result's named runs.
public enum StudyReport {
    /// The report's parts: the assignment's eleven and one beyond.
    public static let partCount = 12

    /// Writes the report into `directory`. `dataset` is the data the study ran on: Parts 1 and 2
    /// (sample images, class distribution) are drawn from it. `settingNames`: the names to show
    /// settings by in the findings (a tool's flags); nil for the configuration's keys.
    public static func write(_ result: StudyResult, dataset: Dataset, to directory: String, settingNames: SettingNames? = nil) throws {
        try FileManager.default.createDirectory(atPath: directory + "/charts", withIntermediateDirectories: true)
        let sections = self.sections(result, dataset: dataset, settingNames: settingNames)
        // Each chart is drawn once: written to its file and inlined into the HTML.
        let svgs = sections.map { $0.charts.map { $0.svg(dataset: dataset) } }
        var chartFiles: [String: String] = [:]
        for (section, drawn) in zip(sections, svgs) {
            for (index, svg) in drawn.enumerated() {
                let name = "charts/part\(section.number)-\(index + 1).svg"
                try AtomicFile.write(Data(svg.utf8), to: "\(directory)/\(name)")
                chartFiles["\(section.number)-\(index)"] = name
            }
        }
        try AtomicFile.write(Data(html(result, sections: sections, svgs: svgs, directory: directory).utf8), to: directory + "/index.html")
        try AtomicFile.write(Data(markdown(result, sections: sections, charts: chartFiles, directory: directory).utf8), to: directory + "/report.md")
        try AtomicFile.write(try json(result), to: directory + "/results.json")
    }

    /// Writes the report into `folder` as `write` does, unless this process shares the folder
    /// (`ReportFolder.sharedWith`) and another process already wrote this study's report there:
    /// results.json holds the same study, runs and choices, and differs at most in what
    /// describes the process that wrote it (`seconds`, `runs_trained`, `runs_reused`, `machine`,
    /// `engine`). Returns whether it wrote. Call `ReportFolder.claim` first, so that no other
    /// process writes meanwhile.
    public static func writeOnce(_ result: StudyResult, dataset: Dataset, into folder: ReportFolder,
                                 settingNames: SettingNames? = nil) throws -> Bool {
        if folder.sharedWith != nil, holdsReport(of: result, in: folder.path) { return false }
        try write(result, dataset: dataset, to: folder.path, settingNames: settingNames)
        return true
    }

    /// Whether results.json in `directory` is `result`'s but for the fields that describe the
    /// process that wrote it.
    static func holdsReport(of result: StudyResult, in directory: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: directory + "/results.json"),
              var stored = try? JSONCoding.decode(StudyResult.self, from: data),
              let expected = try? json(result) else { return false }
        stored.seconds = result.seconds
        stored.runsTrained = result.runsTrained
        stored.runsReused = result.runsReused
        stored.machine = result.machine
        stored.engine = result.engine
        return (try? json(stored)) == expected
    }

    /// One line for each part that trained runs (Parts 3–12): "part 7 batch size: " and the
    /// part's last finding, in plain text (no `**`).
    public static func headlines(_ result: StudyResult, dataset: Dataset, settingNames: SettingNames? = nil) -> [String] {
        sections(result, dataset: dataset, settingNames: settingNames).filter { !$0.runs.isEmpty }.map {
            "part \($0.number) \($0.title.lowercased()): \($0.findings.last ?? "")".replacingOccurrences(of: "**", with: "")
        }
    }

    /// Every part's text, with its findings naming settings by `settingNames`.
    static func sections(_ result: StudyResult, dataset: Dataset, settingNames: SettingNames?) -> [StudySection] {
        StudyText(result: result, dataset: dataset).sections.map { section in
            guard let settingNames else { return section }
            var named = section
            named.findings = section.findings.map { settingNames.renamed($0) }
            return named
        }
    }

    /// results.json: the result in MLPLab's JSON (``JSONCoding``).
    static func json(_ result: StudyResult) throws -> Data {
        try JSONCoding.encode(result)
    }

    static func escape(_ text: String) -> String { SVG.escape(text) }

    /// Escapes HTML and turns **bold** into <strong>.
    static func inline(_ text: String) -> String {
        let parts = escape(text).components(separatedBy: "**")
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<strong>\($0.element)</strong>" : $0.element }.joined()
    }

    static func relative(_ path: String, from directory: String) -> String {
        path.hasPrefix(directory + "/") ? String(path.dropFirst(directory.count + 1)) : path
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 90 ? String(format: "%.0f s", seconds) : String(format: "%ld min %02ld s", Int(seconds) / 60, Int(seconds) % 60)
    }

    static func header(_ result: StudyResult) -> [String] {
        let c = result.configuration
        return [
            "Data: \(OneLine.escaped(result.dataName)), \(result.imageWidth)×\(result.imageHeight), \(result.classNames.count) classes; split \(result.splitSizes.train) train / \(result.splitSizes.validation) validation / \(result.splitSizes.test) test\(c.data.trainLimit.map { " (Parts 3–11 train on a stratified subset of \($0))" } ?? "").",
            "Preset: \(c.preset.rawValue); seed \(c.seed). Choices (best learning rate, momentum) are made on the validation split; test accuracy is reported for every run but never used to choose. (The assignment chose on its test set.) Each run keeps its best-on-validation epoch.",
            "Machine: \(result.machine); \(result.engine); MLPLab \(result.mlplabVersion).",
            "Time: \(duration(result.seconds)) — \(result.runsTrained) runs trained, \(result.runsReused) reused from an earlier study.",
        ]
    }

    static func runRow(_ run: StudyRun, directory: String) -> [String] {
        let o = run.result
        let seconds = String(format: "%.1f", o.trainingSeconds)
        return [run.label, String(o.epochs.count), Format.number(o.finalLoss), Format.number(o.bestValidationAccuracy),
                Format.number(o.testAccuracy), o.divergence.map { "diverged (epoch \($0.epoch))" } ?? (o.stoppedEarly ? "stopped early" : "ok"),
                seconds, relative((o.runFolder ?? ""), from: directory)]
    }

    static let runColumns = ["run", "epochs", "final loss", "best val acc", "test acc", "status", "train s", "folder"]

    static func html(_ result: StudyResult, sections: [StudySection], svgs: [[String]], directory: String) -> String {
        var body: [String] = []
        body.append("<h1>MLPLab study: \(escape(result.dataName))</h1>")
        body.append("<ul class=\"meta\">" + header(result).map { "<li>\(inline($0))</li>" }.joined() + "</ul>")
        body.append("<nav><ol>" + sections.map { "<li><a href=\"#part\($0.number)\">\(escape($0.title))</a></li>" }.joined() + "</ol></nav>")
        for (part, drawn) in zip(sections, svgs) {
            body.append("<section id=\"part\(part.number)\"><h2>Part \(part.number). \(escape(part.title))</h2>")
            body.append("<p class=\"question\">\(escape(part.question))</p>")
            body.append("<p class=\"config\"><b>Configuration:</b> \(escape(part.configuration))</p>")
            body.append("<ul class=\"findings\">" + part.findings.map { "<li>\(inline($0))</li>" }.joined() + "</ul>")
            body.append("<div class=\"charts\">" + zip(part.charts, drawn).map { chart, svg in
                "<figure>\(svg.replacingOccurrences(of: "<svg ", with: "<svg role=\"img\" aria-label=\"\(escape(chart.title))\" "))</figure>"
            }.joined() + "</div>")
            if !part.runs.isEmpty {
                body.append(table(part.runs, directory: directory))
            }
            body.append("</section>")
        }
        let all = sections.flatMap(\.runs)
        var seen = Set<String>()
        let unique = all.filter { seen.insert(($0.result.runFolder ?? "")).inserted }
        body.append("<section id=\"all\"><h2>All runs</h2>\(table(unique, directory: directory))</section>")
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>MLPLab study: \(escape(result.dataName))</title>
        <style>
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:980px;margin:0 auto;padding:16px;color:#222;line-height:1.45}
        h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:2em}
        .meta li{margin:2px 0}.question{font-style:italic;font-size:1.1em}.config{color:#444}
        .findings li{margin:4px 0}figure{margin:8px 0}svg{max-width:100%;height:auto}
        .table{overflow-x:auto}table{border-collapse:collapse;font-size:.9em;margin:8px 0}
        td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}td:first-child,th:first-child,td:last-child{text-align:left}
        nav ol{columns:2}@media (max-width:600px){nav ol{columns:1}}
        </style></head><body>
        \(body.joined(separator: "\n"))
        </body></html>

        """
    }

    static func table(_ runs: [StudyRun], directory: String) -> String {
        let head = "<tr>" + runColumns.map { "<th>\($0)</th>" }.joined() + "</tr>"
        let rows = runs.map { run -> String in
            let cells = runRow(run, directory: directory)
            let link = "<a href=\"\(escape(cells[7]))/summary.md\">\(escape(cells[7]))</a>"
            return "<tr>" + cells.dropLast().map { "<td>\(escape($0))</td>" }.joined() + "<td>\(link)</td></tr>"
        }
        return "<div class=\"table\"><table>\(head)\(rows.joined())</table></div>"
    }

    static func markdown(_ result: StudyResult, sections: [StudySection], charts: [String: String], directory: String) -> String {
        var lines = ["# MLPLab study: \(Markdown.escape(result.dataName))", ""]
        lines += header(result).map { "- \(Markdown.escape($0))" }
        for part in sections {
            lines += ["", "## Part \(part.number). \(part.title)", "", "*\(part.question)*", "", "Configuration: \(part.configuration)", ""]
            lines += part.findings.map { "- \($0)" }
            lines.append("")
            for index in part.charts.indices {
                if let file = charts["\(part.number)-\(index)"] { lines.append("![\(part.charts[index].title)](\(file))") }
            }
            if !part.runs.isEmpty {
                lines += ["", "| " + runColumns.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: runColumns.count)]
                for run in part.runs {
                    let row = runRow(run, directory: directory)
                    var cells = row.map(Markdown.escape)
                    let target = row[7].addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? row[7]
                    cells[7] = "[\(cells[7])](\(target)/summary.md)"
                    lines.append("| " + cells.joined(separator: " | ") + " |")
                }
            }
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
