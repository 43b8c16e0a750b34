import Foundation
import MLPLab
import Testing

struct ChartTests {
    @Test("a bar chart has one bar per class, escaped labels and its counts")
    func barChartHasOneBarPerCategory() throws {
        let bars = (0..<52).map { (label: "class <\($0)> & co", value: Double(3500 - 60 * $0)) }
        let svg = BarChart(title: "images per class", valueLabel: "images", bars: bars).svg
        let parsed = try ElementCounter.parse(svg)
        #expect(parsed.counts["rect"] == 53)  // background + 52 bars
        let text = parsed.texts.joined()
        #expect(text.contains("class <0> & co") && text.contains("3,500") && text.contains("440"))
        #expect(svg.contains("class &lt;0&gt; &amp; co"))
    }

    @Test("a loss chart draws finite points, breaks lines at nan, and marks and lists where each series diverged")
    func lineChartShowsDivergence() {
        let svg = LineChart(title: "loss", yLabel: "loss", series: [
            .init(name: "lr 0.01", values: [2.0, 1.5, 1.2]),
            .init(name: "lr 5", values: [2.0, .nan, .nan]),
        ]).svg
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 1, "one line: the diverged series has a single finite point")
        #expect(svg.contains("lr 0.01, epoch 3: 1.2000"))
        #expect(svg.contains("✕ not drawn: lr 5: nan from epoch 2"))
        #expect(svg.contains("<title>lr 5: nan from epoch 2</title>"), "the ✕ mark names the series and epoch")
        #expect(!svg.contains("no finite value"))
    }

    @Test("an accuracy chart that does not start at 0 zooms its axis to round values around the points, each drawn to that scale")
    func zoomedAxis() throws {
        let values = [0.8312, 0.8655, 0.9003, 0.9171]
        var chart = LineChart(title: "validation accuracy", yLabel: "validation accuracy", series: [.init(name: "run", values: values)])
        chart.startsAtZero = false
        let parsed = try ElementCounter.parse(chart.svg)
        var ticks: [(value: Double, y: Double)] = []
        for (index, element) in parsed.elements.enumerated()
        where element.name == "text" && element.attributes["text-anchor"] == "end" && index > 0 && parsed.elements[index - 1].name == "line" {
            let value = try #require(Double(element.text), "tick \(element.text)")
            ticks.append((value, try #require(parsed.elements[index - 1].attributes["y1"].flatMap(Double.init))))
        }
        let first = try #require(ticks.first), last = try #require(ticks.last)
        #expect(first.value > 0.5 && first.value <= 0.8312 && last.value >= 0.9171 && last.value < 1, "ticks \(ticks)")
        let step = ticks[1].value - first.value
        for (index, tick) in ticks.enumerated() { #expect(abs(tick.value - (first.value + Double(index) * step)) < 1e-9, "ticks \(ticks)") }
        // Each point (a 5 px square centred on it) at value's place between the first and last tick.
        let points = parsed.elements.filter { $0.name == "rect" && $0.attributes["width"] == "5" }
        #expect(points.count == values.count)
        for (point, value) in zip(points, values) {
            let centre = try #require(point.attributes["y"].flatMap(Double.init)) + 2.5
            let expected = first.y - (value - first.value) / (last.value - first.value) * (first.y - last.y)
            #expect(abs(centre - expected) < 0.01, "\(value) drawn at \(centre), not \(expected)")
        }
        // The default starts at 0, as a loss chart does.
        let fromZero = try ElementCounter.parse(LineChart(title: "t", yLabel: "y", series: [.init(name: "run", values: values)]).svg)
        #expect(fromZero.elements.contains { $0.name == "text" && $0.attributes["text-anchor"] == "end" && $0.text == "0" })
        #expect(AxisTicks.nice(from: 0.8312, upTo: 0.9171) == [0.82, 0.84, 0.86, 0.88, 0.9, 0.92])
    }

    @Test("the legend makes room for a long name instead of cutting it at the chart's edge")
    func legendFitsLongNames() throws {
        let long = "beyond adamw flip dropout 0.2, and a little more"
        for names in [["lr 0.01"], ["lr 0.01", long]] {
            let svg = LineChart(title: "loss", yLabel: "loss", series: names.map { .init(name: $0, values: [2, 1, 0.5]) }).svg
            let parsed = try ElementCounter.parse(svg)
            let width = try #require(parsed.elements.first { $0.name == "svg" }?.attributes["width"].flatMap(Double.init))
            for name in names {
                let label = try #require(parsed.elements.first { $0.name == "text" && $0.text == name }, "no legend entry \(name)")
                let x = try #require(label.attributes["x"].flatMap(Double.init))
                // 12 px text: about 7 px a character at most in a sans-serif face.
                #expect(x + 7 * Double(name.count) <= width, "\(name) ends past the edge: x \(x), width \(width)")
            }
        }
    }

    @Test("a loss that exploded far above the others is a ▲ on the top edge, named below, and the axis keeps their scale")
    func lineChartKeepsScaleUnderAnExplosion() throws {
        let losses = [2.3, 0.9, 0.6, 0.5, 0.45]
        let svg = LineChart(title: "momentum", yLabel: "loss", series: [
            .init(name: "momentum 0", values: losses),
            .init(name: "momentum 0.98", values: [2.3, 2.4, 2.5, 248_000, .nan]),
        ]).svg
        // Read as a drawing, not as text: numbers as values (however they are written), places as
        // coordinates.
        let parsed = try ElementCounter.parse(svg)
        func number(_ text: Substring) -> Double? { Double(text.replacingOccurrences(of: ",", with: "")) }
        func coordinate(_ index: Int, _ name: String) throws -> Double {
            try #require(parsed.elements[index].attributes[name].flatMap(Double.init), "\(name) of \(parsed.elements[index])")
        }
        // The value axis: each tick label (right-aligned, left of the plot) with the grid line drawn
        // just before it. Round values from 0 up to the first at or above the largest loss drawn
        // (2.5), not up to 248,000, and one scale for all: value × pixels-per-unit above 0's line.
        var ticks: [(value: Double, y: Double)] = []
        for (index, element) in parsed.elements.enumerated()
        where element.name == "text" && element.attributes["text-anchor"] == "end" {
            guard let value = number(element.text[...]), index > 0, parsed.elements[index - 1].name == "line" else { continue }
            ticks.append((value, try coordinate(index - 1, "y1")))
        }
        try #require(ticks.count >= 3, "tick labels: \(ticks)")
        let step = ticks[1].value - ticks[0].value, top = try #require(ticks.last)
        #expect(ticks[0].value == 0 && step > 0)
        for (index, tick) in ticks.enumerated() { #expect(abs(tick.value - Double(index) * step) < 1e-9, "ticks \(ticks)") }
        #expect(top.value >= 2.5 && top.value - step < 2.5, "the axis ends at the first tick above the largest drawn loss: \(ticks)")
        let zero = ticks[0].y, pixelsPerUnit = (zero - top.y) / top.value
        for tick in ticks { #expect(abs(zero - tick.y - tick.value * pixelsPerUnit) < 0.02, "ticks \(ticks)") }
        // The epochs' places along the x axis, from its labels "1" … "5".
        var epochX: [Int: Double] = [:]
        for (index, element) in parsed.elements.enumerated()
        where element.name == "text" && element.attributes["text-anchor"] == "middle" {
            if let epoch = Int(element.text) { epochX[epoch] = try coordinate(index, "x") }
        }
        // Every finite point is a marker whose tooltip holds its series, epoch and true value:
        // those on the scale sit at their value's height, the exploded one on the top edge.
        var points = 0
        for element in parsed.elements where element.name == "title" {
            guard let rect = element.parent, parsed.elements[rect].name == "rect",
                  let colon = element.text.range(of: ": ", options: .backwards), let value = number(element.text[colon.upperBound...]),
                  let epoch = element.text[..<colon.lowerBound].split(separator: " ").last.flatMap({ Int($0) }) else { continue }
            points += 1
            let x = try coordinate(rect, "x") + (try coordinate(rect, "width")) / 2
            let y = try coordinate(rect, "y") + (try coordinate(rect, "height")) / 2
            #expect(abs(x - (try #require(epochX[epoch]))) < 0.02, "\(element.text) at x \(x)")
            if element.text.hasPrefix("momentum 0.98") && epoch == 4 {
                #expect(value == 248_000, "the true value stays in the tooltip: \(element.text)")
                #expect(y <= top.y && y >= top.y - 10, "the exploded point is on the top edge: y \(y), top \(top.y)")
            } else {
                #expect(abs(y - (zero - value * pixelsPerUnit)) < 0.02, "\(element.text) at y \(y)")
            }
        }
        #expect(points == 9, "nine finite points have markers")
        let note = try #require(parsed.elements.first { $0.name == "text" && $0.text.hasPrefix("▲ above the chart:") }?.text)
        #expect(note.contains("momentum 0.98") && note.contains("epoch 4"), "\(note)")
        #expect(note.split(separator: " ").contains { number($0) == 248_000 }, "the note names the true value: \(note)")
        #expect(LineChart.offChartLimit(losses + [0.4, 1.0]) == nil, "ordinary curves are never clipped")
        #expect(LineChart.offChartLimit([0.1, 0.2, 0.5, 0.9]) == nil, "nor accuracies")
        #expect(LineChart.offChartLimit([0, 0, 0]) == nil)
    }

    @Test("a loss chart where every run diverged at once says so inside the plot, not an empty frame")
    func lineChartWithNothingFinite() {
        let svg = LineChart(title: "raw pixels", yLabel: "loss", series: [
            .init(name: "seed 1", values: [.nan, .nan]),
            .init(name: "seed 2", values: [.infinity, .nan]),
        ]).svg
        #expect(!svg.contains("<polyline"))
        #expect(svg.contains("no finite value to draw"))
        #expect(svg.contains("seed 1: nan from epoch 1") && svg.contains("seed 2: inf from epoch 1"))
    }

    @Test("nice axis ticks cover the maximum in round steps")
    func niceTicks() {
        #expect(AxisTicks.nice(upTo: 3500) == [0, 1000, 2000, 3000, 4000])
        #expect(AxisTicks.nice(upTo: 0.87) == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(AxisTicks.nice(upTo: 0.0087) == [0, 0.002, 0.004, 0.006, 0.008, 0.01])
        #expect(AxisTicks.nice(upTo: 0.29).map { "\($0)" } == ["0.0", "0.1", "0.2", "0.3"])
        #expect(AxisTicks.nice(upTo: 7) == [0, 2, 4, 6, 8])
    }

    @Test("an image grid embeds each image as PNG data under its title")
    func imageGridEmbedsPNGs() throws {
        let items = (0..<12).map { i in
            (title: "class \(i)", image: GrayImage(width: 3, height: 4, pixels: (0..<12).map { UInt8($0 * 20 + i) }))
        }
        let svg = ImageGrid(title: "samples", columns: 4, items: items).svg
        let parsed = try ElementCounter.parse(svg)
        #expect(parsed.counts["image"] == 12)
        #expect(svg.components(separatedBy: "data:image/png;base64,").count == 13)
        // The embedded PNG decodes back to the same pixels.
        let first = svg.components(separatedBy: "data:image/png;base64,")[1].prefix { $0 != "\"" }
        let decoded = try GrayImage.decode(try #require(Data(base64Encoded: String(first))), path: "embedded")
        #expect(decoded == items[0].image)
    }
}
