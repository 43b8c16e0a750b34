import Foundation

/// Horizontal bar chart: one bar per category, labelled with its name and value. Horizontal so
/// that 52 class names stay readable without rotated text.
public struct BarChart {
    /// The heading above the chart.
    public var title: String
    /// The caption under the value axis, e.g. "images".
    public var valueLabel: String
    /// One bar per entry, top to bottom in this order. The axis starts at 0, so values should not
    /// be negative.
    public var bars: [(label: String, value: Double)]
    /// How a value is written at the end of its bar.
    public var format: (Double) -> String = { Format.grouped($0) }

    /// A chart whose values are written as grouped whole numbers ("12,346"); set `format` for others.
    public init(title: String, valueLabel: String, bars: [(label: String, value: Double)]) {
        self.title = title
        self.valueLabel = valueLabel
        self.bars = bars
    }

    /// The chart as a standalone SVG document; each bar adds 18 pixels to its height.
    public var svg: String {
        let rowHeight = 18.0, labelWidth = min(260, 12 + 7.2 * Double(bars.map(\.label.count).max() ?? 4))
        let plotWidth = 560.0, top = 56.0, bottom = 44.0
        let width = labelWidth + plotWidth + 70, height = top + rowHeight * Double(bars.count) + bottom
        var svg = SVG(width: width, height: height)
        svg.text(title, x: width / 2, y: 26, size: 16, anchor: .middle, weight: "bold")
        let maximum = max(bars.map(\.value).max() ?? 1, 1e-12)
        let ticks = AxisTicks.nice(upTo: maximum)
        let scale = plotWidth / (ticks.last ?? maximum)
        let plotBottom = top + rowHeight * Double(bars.count)
        for tick in ticks {
            let x = labelWidth + tick * scale
            svg.line(x1: x, y1: top - 4, x2: x, y2: plotBottom, stroke: "#e3e3e3")
            svg.text(AxisTicks.label(tick), x: x, y: plotBottom + 16, size: 11, anchor: .middle, fill: "#555")
        }
        for (index, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(index)
            svg.text(bar.label, x: labelWidth - 8, y: y + rowHeight * 0.7, size: 12, anchor: .end)
            svg.rect(x: labelWidth, y: y + 2, width: bar.value * scale, height: rowHeight - 4, fill: "#4c78a8",
                     title: "\(bar.label): \(format(bar.value))")
            svg.text(format(bar.value), x: labelWidth + bar.value * scale + 4, y: y + rowHeight * 0.7, size: 11, fill: "#333")
        }
        svg.line(x1: labelWidth, y1: top - 4, x2: labelWidth, y2: plotBottom, stroke: "#555")
        svg.text(valueLabel, x: labelWidth + plotWidth / 2, y: plotBottom + 36, size: 12, anchor: .middle, fill: "#333")
        return svg.document
    }
}

/// Round tick values for an axis: from 0, or around the values shown.
public enum AxisTicks {
    /// 0 and multiples of 1, 2 or 5 × 10ⁿ, about five of them, the last at or above `maximum`.
    public static func nice(upTo maximum: Double) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0, 1] }
        let raw = maximum / 5
        let exponent = floor(log10(raw))
        let magnitude = pow(10, exponent)
        let multiple = [1.0, 2, 5, 10].first { $0 * magnitude >= raw } ?? 10
        let count = Int((maximum / (multiple * magnitude)).rounded(.up))
        // k × multiple is a whole number; dividing it by a whole power of ten (rather than
        // multiplying by 0.1…) gives the nearest Double to the decimal tick: 0.6, not 0.6000000000000001.
        return (0...count).map { Double($0) * multiple }.map { exponent < 0 ? $0 / pow(10, -exponent) : $0 * magnitude }
    }

    /// Round tick values around `minimum` … `maximum` (both finite, minimum below maximum): a
    /// multiple of 1, 2 or 5 × 10ⁿ at or below `minimum`, then every step of it up to the first
    /// at or above `maximum`, about five steps. For a zoomed axis, such as accuracy between 0.83
    /// and 0.92: 0.82, 0.84, …, 0.92.
    public static func nice(from minimum: Double, upTo maximum: Double) -> [Double] {
        guard minimum.isFinite, maximum.isFinite, minimum < maximum else { return nice(upTo: maximum) }
        let raw = (maximum - minimum) / 5
        let exponent = floor(log10(raw))
        let magnitude = pow(10, exponent)
        let multiple = [1.0, 2, 5, 10].first { $0 * magnitude >= raw } ?? 10
        let step = multiple * magnitude
        let first = Int((minimum / step).rounded(.down)), last = Int((maximum / step).rounded(.up))
        // As in nice(upTo:): k × multiple is whole, so dividing by a whole power of ten gives the
        // nearest Double to the decimal tick.
        return (first...max(last, first + 1)).map { Double($0) * multiple }.map { exponent < 0 ? $0 / pow(10, -exponent) : $0 * magnitude }
    }

    /// A tick's text: whole numbers grouped ("10,000"), others as `%g` ("0.25").
    public static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return Format.grouped(value) }
        return String(format: "%g", value)
    }
}
