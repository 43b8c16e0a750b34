import Foundation

/// A minimal SVG writer: elements appended as text, every string escaped.
public struct SVG {
    /// The drawing's width in SVG units (pixels at 100 %); also its viewBox's.
    public let width: Double
    /// The drawing's height in SVG units.
    public let height: Double
    private var body: [String] = []

    /// An empty drawing of width × height units; the origin is the top left and y grows downwards.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// `text` in one line (``OneLine``: XML forbids most control characters, and a newline would
    /// be lost), with &, <, > and " written as entities: safe in an element or a quoted
    /// attribute, in SVG and in HTML.
    public static func escape(_ text: String) -> String {
        OneLine.escaped(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    /// Appends a rectangle with its top-left corner at (x, y); a negative size draws nothing.
    /// `title` becomes a hover tooltip. Colours are CSS colours, written as given.
    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, title: String? = nil) {
        let tooltip = title.map { "<title>\(SVG.escape($0))</title>" } ?? ""
        body.append("<rect x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" width=\"\(SVG.number(max(0, width)))\" height=\"\(SVG.number(max(0, height)))\" fill=\"\(fill)\">\(tooltip)</rect>")
    }

    /// Appends a line from (x1, y1) to (x2, y2), `width` units wide, grey unless `stroke` says.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#999", width: Double = 1) {
        body.append("<line x1=\"\(SVG.number(x1))\" y1=\"\(SVG.number(y1))\" x2=\"\(SVG.number(x2))\" y2=\"\(SVG.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.number(width))\"/>")
    }

    /// Appends an unfilled line, 2 units wide, through `points` (x, y) in order.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String) {
        let list = points.map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " ")
        body.append("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"2\"/>")
    }

    /// Which point of a text its x places: its start, middle or end (SVG's `text-anchor`).
    public enum Anchor: String { case start, middle, end }

    /// Appends `text`, escaped, with its baseline at y. `size` is in units; `weight` is a CSS font
    /// weight; `rotate` turns it by that many degrees clockwise about (x, y) (nil: not rotated).
    public mutating func text(_ text: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                              weight: String = "normal", fill: String = "#222", rotate: Double? = nil) {
        let transform = rotate.map { " transform=\"rotate(\(SVG.number($0)) \(SVG.number(x)) \(SVG.number(y)))\"" } ?? ""
        body.append("<text x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" font-size=\"\(SVG.number(size))\" text-anchor=\"\(anchor.rawValue)\" font-weight=\"\(weight)\" fill=\"\(fill)\"\(transform)>\(SVG.escape(text))</text>")
    }

    /// A PNG embedded as data, scaled without smoothing so pixels stay pixels.
    public mutating func image(png: Data, x: Double, y: Double, width: Double, height: Double) {
        body.append("<image x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" image-rendering=\"pixelated\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(png.base64EncodedString())\"/>")
    }

    /// The document, with a white background and a system sans-serif font.
    public var document: String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(SVG.number(width))" height="\(SVG.number(height))" viewBox="0 0 \(SVG.number(width)) \(SVG.number(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        \(body.joined(separator: "\n"))
        </svg>

        """
    }
}
