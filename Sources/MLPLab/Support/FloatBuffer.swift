/// A fixed-size, 64-byte aligned block of Float that owns its memory.
///
/// Parameters, gradients, momentum and activations each live in one of these, allocated once
/// before training; views into it are plain pointers, so the training step never allocates.
public final class FloatBuffer: @unchecked Sendable {
    /// Number of floats, fixed for the buffer's life. A buffer of 0 still allocates one float, so
    /// `base` is always a valid pointer.
    public let count: Int
    /// The first float, 64-byte aligned; it never moves, so views taken once stay valid while the
    /// buffer lives.
    public let base: UnsafeMutablePointer<Float>

    /// A buffer of `count` floats, all zero.
    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer needs a non-negative count")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// All `count` floats as a buffer pointer over the same memory (no copy).
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// The element at `index`, bounds-checked.
    public subscript(index: Int) -> Float {
        get { precondition(index >= 0 && index < count, "FloatBuffer index out of range"); return base[index] }
        set { precondition(index >= 0 && index < count, "FloatBuffer index out of range"); base[index] = newValue }
    }

    /// Sets every element to `value`, without allocating.
    public func fill(_ value: Float) { base.update(repeating: value, count: count) }

    /// A copy of the contents as an array (for tests, checkpoints and reports; not for the step).
    public var array: [Float] { Array(buffer) }

    /// Overwrites the contents with `values`, which must hold exactly `count` floats.
    public func copy(from values: [Float]) {
        precondition(values.count == count, "FloatBuffer.copy(from:) needs \(count) values, got \(values.count)")
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: count) }
    }
}
