import Foundation

/// A confusion matrix as a heat map: rows are true classes, columns predicted ones, each cell
/// shaded by the share of its row and labelled with its count.
public struct ConfusionMatrixChart {
    /// The heading above the chart.
    public var title: String
    /// Class names in label order; they label the rows (true) and the columns (predicted).
    public var classNames: [String]
    /// counts[true][predicted]
    public var counts: [[Int]]

    /// A chart of `counts`, (classes × classes), indexed [true][predicted].
    public init(title: String, classNames: [String], counts: [[Int]]) {
        self.title = title
        self.classNames = classNames
        self.counts = counts
    }

    /// The heat map as a standalone SVG document. Above 20 classes the cells shrink to 14 pixels
    /// and drop their printed counts; every cell's tooltip still gives its count.
    public var svg: String {
        let n = classNames.count
        let cell = n > 20 ? 14.0 : 36.0
        let labelWidth = min(220, 12 + 7 * Double(classNames.map(\.count).max() ?? 4))
        let top = 50.0 + labelWidth, left = labelWidth + 30
        let width = left + cell * Double(n) + 20, height = top + cell * Double(n) + 40
        var svg = SVG(width: width, height: height)
        svg.text(title, x: width / 2, y: 24, size: 16, anchor: .middle, weight: "bold")
        svg.text("predicted →", x: left, y: 44, size: 12, fill: "#555")
        svg.text("true ↓", x: 8, y: top - 8, size: 12, fill: "#555")
        for (i, name) in classNames.enumerated() {
            svg.text(name, x: left - 6, y: top + cell * Double(i) + cell / 2 + 4, size: n > 20 ? 9 : 12, anchor: .end)
            let x = left + cell * Double(i) + cell / 2 + 4
            svg.text(name, x: x, y: top - 6, size: n > 20 ? 9 : 12, rotate: -90)
        }
        for (row, values) in counts.enumerated() {
            let total = max(values.reduce(0, +), 1)
            for (column, count) in values.enumerated() {
                let share = Double(count) / Double(total)
                let shade = Int(255 - share * 200)
                let color = row == column ? "rgb(\(shade),\(Int(255 - share * 120)),\(shade))" : "rgb(255,\(shade),\(shade))"
                svg.rect(x: left + cell * Double(column), y: top + cell * Double(row), width: cell - 1, height: cell - 1,
                         fill: count == 0 ? "#f7f7f7" : color,
                         title: "true \(classNames[row]), predicted \(classNames[column]): \(count)")
                if n <= 20 && count > 0 {
                    svg.text(String(count), x: left + cell * (Double(column) + 0.5), y: top + cell * (Double(row) + 0.5) + 4,
                             size: 10, anchor: .middle, fill: share > 0.6 ? "white" : "#222")
                }
            }
        }
        return svg.document
    }
}
