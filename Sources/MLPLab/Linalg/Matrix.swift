/// A row-major view of `rows × columns` floats that someone else owns (a ``FloatBuffer``, usually).
///
/// Views are how everything above the engine seam speaks about tensors: no engine handles, no
/// copies. Element (r, c) lives at `base[r * columns + c]`.
public struct Matrix {
    /// Element (0, 0); the view does not own or free the memory.
    public let base: UnsafeMutablePointer<Float>
    /// Number of rows; for a batch, one row per sample.
    public let rows: Int
    /// Number of columns, which is also the row stride: rows are stored without padding.
    public let columns: Int

    /// A view of the (rows × columns) row-major floats at `base`; nothing is copied or retained,
    /// so `base` must outlive the view.
    public init(_ base: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "Matrix needs non-negative dimensions")
        self.base = base
        self.rows = rows
        self.columns = columns
    }

    /// Number of elements, rows × columns.
    public var count: Int { rows * columns }

    /// The first `rows` rows of this matrix (a short final batch uses fewer rows of one buffer).
    public func prefix(rows newRows: Int) -> Matrix {
        precondition(newRows >= 0 && newRows <= rows, "prefix(rows:) asks for \(newRows) of \(rows) rows")
        return Matrix(base, rows: newRows, columns: columns)
    }

    /// Element (row, column), at `base[row * columns + column]`; not bounds-checked. The setter
    /// writes through to the owner's memory.
    public subscript(row: Int, column: Int) -> Float {
        get { base[row * columns + column] }
        nonmutating set { base[row * columns + column] = newValue }
    }
}

extension Matrix {
    /// Writes rows `columnRange` of this matrix's transpose into `destination`: for each column c
    /// in the range, a row of `rows` floats (c's elements top to bottom), one after another. The
    /// whole range (0..<columns) is the full transpose (columns × rows). In 32 × 32 tiles, so
    /// that reads and writes both stay in cache: a weight of 17 M floats in ~20 ms on one core.
    public func transposed(columns columnRange: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        precondition(columnRange.lowerBound >= 0 && columnRange.upperBound <= columns, "Matrix.transposed: columns out of range")
        let tile = 32
        var r0 = 0
        while r0 < rows {
            let r1 = min(rows, r0 + tile)
            var c0 = columnRange.lowerBound
            while c0 < columnRange.upperBound {
                let c1 = min(columnRange.upperBound, c0 + tile)
                for r in r0..<r1 {
                    let source = base + r * columns
                    for c in c0..<c1 { destination[(c - columnRange.lowerBound) * rows + r] = source[c] }
                }
                c0 = c1
            }
            r0 = r1
        }
    }
}
