/// A row-major view of `rows × columns` floats that someone else owns (a `FloatBuffer`, usually).
///
/// Views are how everything above the engine seam speaks about tensors: no engine handles, no
/// copies. Element (r, c) lives at `base[r * columns + c]`.
public struct Matrix {
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let columns: Int

    public init(_ base: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "Matrix needs non-negative dimensions")
        self.base = base
        self.rows = rows
        self.columns = columns
    }

    public var count: Int { rows * columns }

    /// The first `rows` rows of this matrix (a short final batch uses fewer rows of one buffer).
    public func prefix(rows newRows: Int) -> Matrix {
        precondition(newRows >= 0 && newRows <= rows, "prefix(rows:) asks for \(newRows) of \(rows) rows")
        return Matrix(base, rows: newRows, columns: columns)
    }

    public subscript(row: Int, column: Int) -> Float {
        get { base[row * columns + column] }
        nonmutating set { base[row * columns + column] = newValue }
    }
}
