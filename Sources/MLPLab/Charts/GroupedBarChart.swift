import Foundation

/// Horizontal grouped bars: for each category one bar per series (the assignment's per-class
/// chart of train and test accuracy), values in 0…1.
public struct GroupedBarChart {
    /// The heading above the chart.
    public var title: String
    /// The groups, top to bottom, e.g. class names; every series has one value for each.
    public var categories: [String]
    /// (name, one value per category; nil for no value).
    public var series: [(name: String, values: [Double?])]

    /// A chart of `series`, each with one value per category.
    public init(title: String, categories: [String], series: [(name: String, values: [Double?])]) {
        self.title = title
        self.categories = categories
        self.series = series
    }

    /// The chart as a standalone SVG document; the value axis is fixed at 0…1.
    public var svg: String {
        let barHeight = 9.0, groupGap = 6.0
        let groupHeight = barHeight * Double(series.count) + groupGap
        let labelWidth = min(260, 12 + 7.2 * Double(categories.map(\.count).max() ?? 4))
        let plotWidth = 480.0, top = 70.0, bottom = 44.0
        let width = labelWidth + plotWidth + 60, height = top + groupHeight * Double(categories.count) + bottom
        var svg = SVG(width: width, height: height)
        svg.text(title, x: width / 2, y: 24, size: 16, anchor: .middle, weight: "bold")
        for (index, line) in series.enumerated() {
            let x = labelWidth + Double(index) * 110
            svg.rect(x: x, y: 38, width: 14, height: 10, fill: LineChart.palette[index % LineChart.palette.count])
            svg.text(line.name, x: x + 20, y: 47, size: 12)
        }
        let plotBottom = top + groupHeight * Double(categories.count)
        for tick in stride(from: 0.0, through: 1.0, by: 0.2) {
            let x = labelWidth + tick * plotWidth
            svg.line(x1: x, y1: top - 4, x2: x, y2: plotBottom, stroke: "#e3e3e3")
            svg.text(String(format: "%.1f", tick), x: x, y: plotBottom + 16, size: 11, anchor: .middle, fill: "#555")
        }
        for (c, category) in categories.enumerated() {
            let y = top + groupHeight * Double(c)
            svg.text(category, x: labelWidth - 8, y: y + groupHeight / 2 + 1, size: 12, anchor: .end)
            for (index, line) in series.enumerated() {
                guard let value = line.values[c] else { continue }
                svg.rect(x: labelWidth, y: y + Double(index) * barHeight, width: value * plotWidth, height: barHeight - 1,
                         fill: LineChart.palette[index % LineChart.palette.count],
                         title: "\(category), \(line.name): \(String(format: "%.3f", value))")
            }
        }
        svg.line(x1: labelWidth, y1: top - 4, x2: labelWidth, y2: plotBottom, stroke: "#555")
        svg.text("accuracy", x: labelWidth + plotWidth / 2, y: plotBottom + 36, size: 12, anchor: .middle)
        return svg.document
    }
}
