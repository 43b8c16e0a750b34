/// A matrix converted once to a bf16 engine's input format and read by several products.
///
/// A bf16 product converts its float32 inputs before multiplying. A layer's weight is an input of
/// two products per step, the forward `x·S` and the backward `dz·Sᵀ` (S = Wᵀ, as training stores it), and it does not change
/// between them; converting it once (the forward fills the copy, the backward reuses it) halves
/// the conversion traffic, which on the assignment's model is 115 MB read and 58 MB written per
/// conversion. Holds bf16 bit patterns for `.bfloat16`, bf16-rounded floats for
/// `.bfloat16Emulated`. See `MatMul.Conversion`.
public final class InputCopy {
    /// The format the copy holds; must be the engine's.
    public let precision: Precision
    /// How many elements it holds.
    public let count: Int
    let base: UnsafeMutableRawPointer
    /// The float32 matrix the copy was last filled from (nil: never filled); a reuse must name it.
    var filledFrom: UnsafeMutablePointer<Float>?

    /// Allocates room for `count` elements in `precision`'s format (`elementBytes` each, 64-byte
    /// aligned), not yet filled. `precision` must not be `.float32`, whose products need no copy.
    public init(count: Int, precision: Precision) {
        precondition(precision != .float32, "InputCopy: float32 products read their inputs as they are")
        self.precision = precision
        self.count = count
        base = .allocate(byteCount: max(count, 1) * InputCopy.elementBytes(precision), alignment: 64)
    }

    deinit { base.deallocate() }

    /// Bytes per converted element: 2 for bf16 bits, 4 for emulated (rounded float32), 0 for
    /// float32 (no copy).
    public static func elementBytes(_ precision: Precision) -> Int {
        switch precision {
        case .float32: 0
        case .bfloat16: 2
        case .bfloat16Emulated: 4
        }
    }

    /// Writes `source` into the copy in its format, on `threads` threads, without allocating.
    func fill(from source: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        precondition(count <= self.count, "InputCopy: \(count) elements do not fit in \(self.count)")
        InputCopy.convert(source, count: count, to: base, precision: precision, threads: threads)
        filledFrom = source
    }

    /// Converts `count` floats into `destination` in `precision`'s input format.
    static func convert(_ source: UnsafePointer<Float>, count: Int, to destination: UnsafeMutableRawPointer,
                        precision: Precision, threads: Int) {
        switch precision {
        case .float32: preconditionFailure("InputCopy: nothing to convert in float32")
        case .bfloat16:
            BFloat16.convert(source, to: destination.assumingMemoryBound(to: UInt16.self), count: count, threads: threads)
        case .bfloat16Emulated:
            BFloat16.round(source, to: destination.assumingMemoryBound(to: Float.self), count: count, threads: threads)
        }
    }
}
