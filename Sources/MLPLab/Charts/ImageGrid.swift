import Foundation

/// A grid of titled images (the assignment's Part 1 sample figure), images embedded as PNG.
public struct ImageGrid {
    /// The heading above the grid.
    public var title: String
    /// Images per row (at least 1); the number of rows follows from `items`.
    public var columns: Int
    /// The images with their captions, placed row by row.
    public var items: [(title: String, image: GrayImage)]
    /// Displayed size of each image's longer side, in SVG units.
    public var cellSize: Double = 150

    /// A grid of `items`, `columns` to a row, each image scaled to `cellSize`.
    public init(title: String, columns: Int, items: [(title: String, image: GrayImage)]) {
        self.title = title
        self.columns = columns
        self.items = items
    }

    /// The grid as a standalone SVG document, the images embedded as base64 PNG data, so the
    /// file needs nothing beside it.
    public var svg: String {
        let rows = (items.count + columns - 1) / columns
        let titleHeight = 22.0, gap = 14.0, top = 44.0
        let cellWidth = cellSize + gap, cellHeight = cellSize + titleHeight + gap
        let width = Double(columns) * cellWidth + gap, height = top + Double(rows) * cellHeight
        var svg = SVG(width: width, height: height)
        svg.text(title, x: width / 2, y: 28, size: 16, anchor: .middle, weight: "bold")
        for (index, item) in items.enumerated() {
            let x = gap + Double(index % columns) * cellWidth
            let y = top + Double(index / columns) * cellHeight
            let scale = cellSize / Double(max(item.image.width, item.image.height))
            let w = Double(item.image.width) * scale, h = Double(item.image.height) * scale
            svg.text(item.title, x: x + cellSize / 2, y: y + 15, size: 13, anchor: .middle)
            svg.image(png: item.image.pngData(), x: x + (cellSize - w) / 2, y: y + titleHeight, width: w, height: h)
        }
        return svg.document
    }
}
