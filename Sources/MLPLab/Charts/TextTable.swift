/// A table as plain text for the terminal: columns padded to their widest cell, the first
/// left-aligned and the rest right-aligned (numbers), two spaces between.
public struct TextTable {
    /// The column titles.
    public var header: [String]
    /// The cells of each line; a line may have fewer or more cells than `header`.
    public var rows: [[String]]

    /// A table of `rows` under `header`.
    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The table's lines joined by newlines, without a final one; each cell in one line
    /// (``OneLine``: a class name holding a newline does not split its row). Widths are counted
    /// in characters, so wide (CJK) characters misalign.
    public var text: String {
        let all = ([header] + rows).map { $0.map(OneLine.escaped) }
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension DatasetSummary {
    /// Images of each class, in all and in each part of the split.
    public var table: TextTable {
        TextTable(header: ["class", "images", "train", "val", "test"],
                  rows: classes.map { [$0.name, String($0.images), String($0.train), String($0.validation), String($0.test)] })
    }
}
