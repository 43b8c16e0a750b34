import Foundation

/// Lines over epochs (loss curves), several series with a legend. Non-finite points break a
/// line, are marked with a ✕ in the series' colour at the top of the plot where the series first
/// becomes nan or inf, and are listed under the chart, so a diverged run is visible, not silently
/// dropped; a chart with no finite value at all says so in the plot. A value that exploded far above
/// the rest (see `offChartLimit`) is a ▲ on the top edge, named under the chart, so the other
/// lines keep their scale.
public struct LineChart {
    /// One line: its name in the legend and its values.
    public struct Series {
        /// The line's name in the legend.
        public var name: String
        /// y for x = 1, 2, 3, …
        public var values: [Double]
        /// A line named `name` through `values`, at x = 1, 2, 3, …
        public init(name: String, values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    /// The heading above the chart.
    public var title: String
    /// The caption under the x axis.
    public var xLabel: String
    /// The caption beside the y axis, e.g. "mean training loss".
    public var yLabel: String
    /// The lines, coloured from `palette` in this order.
    public var series: [Series]
    /// The label of tick x = i + 1 (default: the number itself), e.g. a learning rate.
    public var xTickLabel: ((Int) -> String)?
    /// Whether the y axis starts at 0 (the default: losses, whose distance from 0 is the
    /// point). False zooms it to a round value at or below the smallest value drawn, so that
    /// accuracies between 0.86 and 0.92 are told apart rather than drawn as one flat line near
    /// the top.
    public var startsAtZero = true

    /// A chart whose x axis is "epoch" unless `xLabel` says otherwise, since most are loss curves.
    public init(title: String, xLabel: String = "epoch", yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// Ten distinct colours for series, used in order and repeated after ten; the grouped bar chart
    /// uses them too.
    public static let palette = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac", "#eeca3b"]

    /// The value above which points are drawn at the top edge instead of scaling the axis to
    /// them: 100 × the 90th percentile of the chart's finite values, when some value exceeds it
    /// (an exploded loss of 250,000 next to losses near 2 would flatten every other line to the
    /// axis); nil when nothing is that far out.
    public static func offChartLimit(_ values: [Double]) -> Double? {
        let sorted = values.filter(\.isFinite).sorted()
        guard sorted.count >= 2 else { return nil }
        let percentile90 = sorted[Int(Double(sorted.count - 1) * 0.9)]
        guard percentile90 > 0, let largest = sorted.last, largest > 100 * percentile90 else { return nil }
        return 100 * percentile90
    }

    /// The chart as a standalone SVG document, with the legend on the right and any non-finite or
    /// off-chart points listed under the plot.
    public var svg: String {
        let finite = series.flatMap(\.values).filter(\.isFinite)
        let limit = LineChart.offChartLimit(finite) ?? .infinity
        let shown = finite.filter { $0 <= limit }
        let count = max(series.map(\.values.count).max() ?? 1, 1)
        let lowest = shown.min() ?? 0, highest = max(shown.max() ?? 1, 1e-9)
        let ticks = startsAtZero || lowest <= 0 || lowest >= highest ? AxisTicks.nice(upTo: highest) : AxisTicks.nice(from: lowest, upTo: highest)
        // Room for the widest tick label (11 px text, ~7 px a character) and the axis title.
        let widestTick = ticks.map { AxisTicks.label($0).count }.max() ?? 1
        // The legend's room on the right: its longest name (12 px text, ~7 px a character) after
        // the 36 px of its swatch, so that no name runs past the edge.
        let longestName = series.map(\.name.count).max() ?? 0
        let left = max(64.0, 34 + 7 * Double(widestTick)), right = max(190.0, 44 + 7 * Double(longestName)), top = 48.0, bottom = 56.0
        let plotWidth = 520.0, plotHeight = 300.0
        let width = left + plotWidth + right, height = top + plotHeight + bottom + 18
        var svg = SVG(width: width, height: height)
        svg.text(title, x: left + plotWidth / 2, y: 26, size: 16, anchor: .middle, weight: "bold")
        let yMin = ticks.first ?? 0, yMax = ticks.last ?? 1
        func x(_ i: Int) -> Double { left + (count == 1 ? plotWidth / 2 : Double(i) / Double(count - 1) * plotWidth) }
        func y(_ v: Double) -> Double { top + plotHeight - (min(v, yMax) - yMin) / (yMax - yMin) * plotHeight }
        for tick in ticks {
            svg.line(x1: left, y1: y(tick), x2: left + plotWidth, y2: y(tick), stroke: "#e3e3e3")
            svg.text(AxisTicks.label(tick), x: left - 6, y: y(tick) + 4, size: 11, anchor: .end, fill: "#555")
        }
        let step = max(1, count / (xTickLabel == nil ? 10 : 6))
        for i in stride(from: 0, to: count, by: step) {
            svg.text(xTickLabel?(i) ?? String(i + 1), x: x(i), y: top + plotHeight + 16, size: 11, anchor: .middle, fill: "#555")
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#555")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: "#555")
        svg.text(xLabel, x: left + plotWidth / 2, y: top + plotHeight + 38, size: 12, anchor: .middle)
        svg.text(yLabel, x: 18, y: top + plotHeight / 2, size: 12, anchor: .middle, rotate: -90)
        var notes: [String] = [], above: [String] = []
        for (index, line) in series.enumerated() {
            let color = LineChart.palette[index % LineChart.palette.count]
            var segment: [(Double, Double)] = []
            for (i, value) in line.values.enumerated() {
                if value.isFinite {
                    segment.append((x(i), y(value)))
                } else {
                    if segment.count > 1 { svg.polyline(segment, stroke: color) }
                    segment = []
                }
            }
            if segment.count > 1 { svg.polyline(segment, stroke: color) }
            for (i, value) in line.values.enumerated() where value.isFinite {
                let label = "\(line.name), \(xLabel) \(i + 1): \(String(format: "%.4f", value))"
                if value > yMax {
                    // Off the chart: a ▲ on the top edge, the line running up to it.
                    svg.text("▲", x: x(i), y: top + 4, size: 11, anchor: .middle, fill: color)
                    svg.rect(x: x(i) - 5, y: top - 6, width: 10, height: 10, fill: "transparent", title: label)
                    let shown = value >= 1e15 ? String(format: "%.3g", value)
                        : value >= 1000 ? Format.grouped(value) : String(format: "%.4g", value)
                    above.append("\(line.name): \(shown) at \(xLabel) \(i + 1)")
                } else {
                    svg.rect(x: x(i) - 2.5, y: y(value) - 2.5, width: 5, height: 5, fill: color, title: label)
                }
            }
            if let bad = line.values.firstIndex(where: { !$0.isFinite }) {
                let what = "\(line.name): \(line.values[bad].isNaN ? "nan" : "inf") from \(xLabel) \(bad + 1)"
                notes.append(what)
                // A ✕ just inside the plot's top edge, offset per series so marks at one x stay apart.
                let markY = top + 8 + Double((notes.count - 1) % 3) * 10, size = 4.0
                svg.line(x1: x(bad) - size, y1: markY - size, x2: x(bad) + size, y2: markY + size, stroke: color, width: 2)
                svg.line(x1: x(bad) - size, y1: markY + size, x2: x(bad) + size, y2: markY - size, stroke: color, width: 2)
                svg.rect(x: x(bad) - size, y: markY - size, width: 2 * size, height: 2 * size, fill: "transparent", title: what)
            }
            let legendY = top + 10 + Double(index) * 18
            svg.rect(x: left + plotWidth + 16, y: legendY - 9, width: 14, height: 4, fill: color)
            svg.text(line.name, x: left + plotWidth + 36, y: legendY - 3, size: 12)
        }
        if finite.isEmpty && !notes.isEmpty {
            svg.text("no finite value to draw: every series is nan or inf (✕ marks where each began)",
                     x: left + plotWidth / 2, y: top + plotHeight / 2, size: 13, anchor: .middle, fill: "#c0392b")
        }
        if !above.isEmpty {
            svg.text("▲ above the chart: " + above.prefix(4).joined(separator: "; ") + (above.count > 4 ? "; …" : ""),
                     x: left, y: height - (notes.isEmpty ? 6 : 22), size: 12, fill: "#555")
        }
        if !notes.isEmpty {
            svg.text("✕ not drawn: " + notes.joined(separator: "; "), x: left, y: height - 6, size: 12, fill: "#c0392b")
        }
        return svg.document
    }
}
