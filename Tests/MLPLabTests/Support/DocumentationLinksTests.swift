import Foundation
import Testing

/// The README, BENCHMARKS.md and the pages under docs/ link to each other, to images and to
/// headings (issue 24): a page moved or a heading renamed must not leave a link that leads
/// nowhere. Web links (http, https, mailto) are not followed.
struct DocumentationLinksTests {
    /// The package root: this file is Tests/MLPLabTests/Support/DocumentationLinksTests.swift.
    static let root: String = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL.path
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }()

    @Test("every relative link in README.md, BENCHMARKS.md and docs/*.md names a file in the repository, and every #anchor a heading of that page")
    func everyRelativeLinkResolves() throws {
        let pages = try MarkdownLinks.pages(in: Self.root)
        #expect(pages.contains(Self.root + "/README.md") && pages.contains(Self.root + "/BENCHMARKS.md"))
        #expect(pages.filter { $0.hasPrefix(Self.root + "/docs/") }.count >= 8, "\(pages)")
        var checked = 0
        var broken: [String] = []
        for page in pages {
            let result = try MarkdownLinks.check(page: page, root: Self.root)
            checked += result.checked
            broken += result.broken
        }
        #expect(checked >= 50, "only \(checked) relative links found: the link scanner misses some")
        #expect(broken.isEmpty, "broken links:\n\(broken.joined(separator: "\n"))")
    }

    @Test("every page under docs/ is linked from the README")
    func everyPageIsReachable() throws {
        let readme = Self.root + "/README.md"
        let targets = Set(try MarkdownLinks.links(in: String(contentsOfFile: readme, encoding: .utf8))
            .compactMap { MarkdownLinks.resolve($0.target, from: readme, root: Self.root)?.path })
        let pages = try MarkdownLinks.pages(in: Self.root).filter { $0.hasPrefix(Self.root + "/docs/") }
        #expect(pages.filter { !targets.contains($0) }.isEmpty, "not linked from README.md: \(pages.filter { !targets.contains($0) })")
    }

    @Test("a link to a missing file, to a missing heading, or out of the repository is broken; web links, code and fenced blocks are not checked")
    func brokenLinksAreFound() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try Data("# Guide\n\n## The study\n\n## Options\n\n## Options\n".utf8).write(to: folder.appendingPathComponent("docs/guide.md"))
        try Data([0x89]).write(to: folder.appendingPathComponent("docs/picture.png"))
        let page = """
            # Title

            [guide](docs/guide.md), [study](docs/guide.md#the-study), [second options](docs/guide.md#options-1),
            ![picture](docs/picture.png "a title"), [here](#title), [web](https://example.com/missing.md), [mail](mailto:a@b.c).
            Code is not a link: `[x](missing-in-code.md)`, nor is a fenced block:

            ```
            [x](missing-in-fence.md)
            ```

            [gone](docs/gone.md) and [no heading](docs/guide.md#no-such-heading)
            and [the picture, split
            over two lines](docs/picture.jpg) and [outside](../elsewhere.md) <img src="docs/none.png">
            """
        try Data(page.utf8).write(to: folder.appendingPathComponent("README.md"))
        let result = try MarkdownLinks.check(page: folder.path + "/README.md", root: folder.path)
        #expect(result.checked == 10, "\(result)")
        #expect(result.broken == [
            "README.md:11: docs/gone.md (no such file)",
            "README.md:11: docs/guide.md#no-such-heading (no heading 'no-such-heading' in docs/guide.md)",
            "README.md:13: docs/picture.jpg (no such file)",
            "README.md:13: ../elsewhere.md (outside the repository)",
            "README.md:13: docs/none.png (no such file)",
        ], "\(result.broken)")
    }

    @Test("a heading's anchor is GitHub's: lower case, punctuation dropped, spaces as hyphens, repeats numbered")
    func headingAnchors() {
        #expect(MarkdownLinks.anchors(in: "# MLPLab\n## Two commands\n") == ["mlplab", "two-commands"])
        #expect(MarkdownLinks.anchors(in: "### Raw pixels at lr 0.01 (the assignment's Part 3)") == ["raw-pixels-at-lr-001-the-assignments-part-3"])
        #expect(MarkdownLinks.anchors(in: "## Listing runs (issue 17: `mlplab runs`)") == ["listing-runs-issue-17-mlplab-runs"])
        #expect(MarkdownLinks.anchors(in: "### Against PyTorch (items 2–3; same CPU)") == ["against-pytorch-items-23-same-cpu"])
        #expect(MarkdownLinks.anchors(in: "## [Guide](docs/guide.md) and snake_case ##") == ["guide-and-snake_case"])
        #expect(MarkdownLinks.anchors(in: "## Options\n```\n## not a heading\n```\n## Options\n#hashtag") == ["options", "options-1"])
    }
}

/// Links and headings of a Markdown page, as GitHub renders them, enough to check a repository's
/// own documentation: inline links and images, reference definitions, `src`/`href` in HTML;
/// ATX headings (`## Title`). Code spans and fenced blocks hold neither.
enum MarkdownLinks {
    struct Link: Equatable {
        var line: Int
        var target: String
    }

    /// README.md, BENCHMARKS.md and docs/*.md under `root`, as paths.
    static func pages(in root: String) throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root + "/docs")
            .filter { $0.hasSuffix(".md") }.sorted().map { root + "/docs/" + $0 }
        return [root + "/README.md", root + "/BENCHMARKS.md"] + docs
    }

    /// Checks every link of the page at `path` that is not a web link: its file must exist inside
    /// `root`, and a fragment on a Markdown file must be one of its headings' anchors. Returns how
    /// many links were checked and one line per broken one ("page:line: target (why)").
    static func check(page path: String, root: String) throws -> (checked: Int, broken: [String]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let name = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
        var checked = 0
        var broken: [String] = []
        for link in links(in: text) {
            guard let resolved = resolve(link.target, from: path, root: root) else { continue }
            let file = resolved.path
            checked += 1
            func fail(_ why: String) { broken.append("\(name):\(link.line): \(link.target) (\(why))") }
            guard file == root || file.hasPrefix(root + "/") else { fail("outside the repository"); continue }
            guard FileManager.default.fileExists(atPath: file) else { fail("no such file"); continue }
            if let fragment = resolved.fragment, file.hasSuffix(".md") {
                let target = file == path ? text : try String(contentsOfFile: file, encoding: .utf8)
                if !anchors(in: target).contains(fragment.lowercased()) {
                    fail("no heading '\(fragment)' in \(String(file.dropFirst(root.count + 1)))")
                }
            }
        }
        return (checked, broken)
    }

    /// The file (standardized) and fragment a link on the page at `page` leads to; nil for a web
    /// link (any scheme: http, https, mailto, …).
    static func resolve(_ target: String, from page: String, root: String) -> (path: String, fragment: String?)? {
        if let colon = target.firstIndex(of: ":"),
           target[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }),
           target.first?.isLetter == true {
            return nil
        }
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let file = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        let fragment = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : nil
        let base = file.hasPrefix("/") ? URL(fileURLWithPath: root) : URL(fileURLWithPath: page).deletingLastPathComponent()
        let url = file.isEmpty ? URL(fileURLWithPath: page) : base.appendingPathComponent(file.hasPrefix("/") ? String(file.dropFirst()) : file)
        var path = url.standardizedFileURL.path
        if path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return (path, fragment)
    }

    /// The page's text with fenced code blocks blanked (their lines kept, so line numbers hold).
    static func withoutFences(_ text: String) -> [Substring] {
        var fence: Substring?
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let trimmed = line.drop { $0 == " " }
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                return ""
            }
            for marker in ["```", "~~~"] where trimmed.hasPrefix(marker) && line.count - trimmed.count <= 3 {
                fence = trimmed.prefix { $0 == marker.first }
                return ""
            }
            return line
        }
    }

    /// Every link target on the page, with its line: `[text](target)`, `![alt](target "title")`,
    /// `[label]: target`, `src="target"` and `href="target"`; none inside code.
    static func links(in text: String) -> [Link] {
        let characters = Array(withoutFences(text).joined(separator: "\n"))
        var links: [Link] = []
        var line = 1
        var i = 0
        var lineStart = true
        func starts(_ word: String, at index: Int) -> Bool {
            let w = Array(word)
            return index + w.count <= characters.count && Array(characters[index..<index + w.count]) == w
        }
        func read(from start: Int, until stop: (Character) -> Bool) -> (String, Int) {
            var j = start
            var depth = 0
            while j < characters.count, characters[j] != "\n" {
                if characters[j] == "(" { depth += 1 } else if characters[j] == ")" {
                    if depth == 0 { break }
                    depth -= 1
                }
                if stop(characters[j]) { break }
                j += 1
            }
            return (String(characters[start..<j]), j)
        }
        while i < characters.count {
            let c = characters[i]
            if c == "\n" {
                line += 1
                lineStart = true
                i += 1
                continue
            }
            if lineStart {
                lineStart = false
                // A reference definition: "[label]: target" at the start of a line.
                var j = i
                while j < characters.count, characters[j] == " " { j += 1 }
                if j < characters.count, characters[j] == "[",
                   let close = characters[j...].firstIndex(where: { $0 == "]" || $0 == "\n" }), characters[close] == "]",
                   close + 1 < characters.count, characters[close + 1] == ":" {
                    var k = close + 2
                    while k < characters.count, characters[k] == " " { k += 1 }
                    let (target, end) = read(from: k) { $0 == " " }
                    if !target.isEmpty { links.append(Link(line: line, target: target)) }
                    i = end
                    continue
                }
            }
            if c == "`" {
                // A code span: a run of n backticks up to the next run of exactly n.
                var n = 0
                while i + n < characters.count, characters[i + n] == "`" { n += 1 }
                var j = i + n
                var closed: Int?
                while j < characters.count {
                    if characters[j] == "`" {
                        var m = 0
                        while j + m < characters.count, characters[j + m] == "`" { m += 1 }
                        if m == n { closed = j + m; break }
                        j += m
                    } else {
                        j += 1
                    }
                }
                if let closed {
                    line += characters[i..<closed].filter { $0 == "\n" }.count
                    i = closed
                } else {
                    i += n
                }
                continue
            }
            if c == "]", i + 1 < characters.count, characters[i + 1] == "(" {
                var j = i + 2
                while j < characters.count, characters[j] == " " { j += 1 }
                let target: String
                let end: Int
                if j < characters.count, characters[j] == "<" {
                    (target, end) = read(from: j + 1) { $0 == ">" }
                } else {
                    (target, end) = read(from: j) { $0 == " " }
                }
                if !target.isEmpty { links.append(Link(line: line, target: target)) }
                i = max(end, i + 2)
                continue
            }
            if starts("src=\"", at: i) || starts("href=\"", at: i) {
                let start = i + (c == "s" ? 5 : 6)
                let (target, end) = read(from: start) { $0 == "\"" }
                if !target.isEmpty { links.append(Link(line: line, target: target)) }
                i = end
                continue
            }
            i += 1
        }
        return links
    }

    /// The anchors GitHub gives the page's headings, in order: the heading's text (a link's text
    /// only) in lower case, letters, digits, `-` and `_` kept, each space a hyphen, everything
    /// else dropped; a repeated anchor gets -1, -2, ….
    static func anchors(in text: String) -> [String] {
        var seen: [String: Int] = [:]
        var anchors: [String] = []
        for line in withoutFences(text) {
            let indented = line.drop { $0 == " " }
            guard line.count - indented.count <= 3, indented.first == "#" else { continue }
            let hashes = indented.prefix { $0 == "#" }
            guard hashes.count <= 6 else { continue }
            var title = indented.dropFirst(hashes.count)
            guard title.isEmpty || title.first == " " || title.first == "\t" else { continue }
            title = title.drop { $0 == " " || $0 == "\t" }
            // A closing sequence of #s, preceded by a space, is not part of the heading.
            var trimmed = Substring(title.reversed().drop { $0 == " " }.reversed())
            let closing = trimmed.reversed().prefix { $0 == "#" }.count
            if closing > 0, closing == trimmed.count || trimmed.dropLast(closing).last == " " {
                trimmed = trimmed.dropLast(closing)
            }
            let slug = anchor(String(trimmed).trimmingCharacters(in: .whitespaces))
            let count = seen[slug, default: 0]
            seen[slug] = count + 1
            anchors.append(count == 0 ? slug : "\(slug)-\(count)")
        }
        return anchors
    }

    /// A heading's text as its anchor (without the numbering of repeats).
    static func anchor(_ heading: String) -> String {
        // A link shows its text only: drop "](target)".
        var text = ""
        var characters = Substring(heading)
        while let open = characters.firstIndex(of: "]") {
            text += characters[..<open]
            let rest = characters[characters.index(after: open)...]
            if rest.first == "(", let close = rest.firstIndex(of: ")") {
                characters = rest[rest.index(after: close)...]
            } else {
                characters = rest
            }
        }
        text += characters
        var slug = ""
        for character in text.lowercased() {
            if character == " " {
                slug.append("-")
            } else if character == "-" || character == "_" || character.isLetter || character.isNumber {
                slug.append(character)
            }
        }
        return slug
    }
}
