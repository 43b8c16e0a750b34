import CDNNL
import COpenMP

/// The compute-engine seam: row-major float32 matrix products on oneDNN.
///
/// Every product MLPLab computes goes through here: the only other file that imports `CDNNL` is
/// MatMulLayoutBenchmark.swift, which measures the engine's own weight layouts and computes
/// nothing for training. It offers one operation,
///
///     C = activation(scale · op(A) · op(B) + bias) + accumulate · C      op(X) = X or Xᵀ
///
/// where `A` and `B` are views as stored in memory and the transposes cost nothing (they are
/// strides to the engine); `accumulate` and `activation` are not used together. With `scale`
/// and `accumulate` the optimizer's update folds into the weight-gradient product:
/// `S = (1 − lr·λ)·S − lr·(xᵀ·dz)` (S = Wᵀ, as training stores the weight) is one product, no
/// gradient buffer written or read again (see ``WeightUpdate``, which
/// ``Optimizer/weightUpdate(_:parameters:learningRate:)`` builds).
///
/// oneDNN picks its kernel from the CPU's features (AVX2, AVX-512,
/// AMX) on its own; `implementationName(…)` reports the one it chose. A primitive is created
/// once per distinct shape and cached, so after the first step of each batch size a product
/// only swaps data pointers: no allocation, no descriptor work.
///
/// Threads: the Debian build of oneDNN runs on OpenMP, so the thread count is OpenMP's, set for
/// the whole process by `MatMul.setThreadCount(_:)`.
///
/// Precision: with `.bfloat16` every product converts its two inputs to bf16 (into buffers made
/// with its primitive, or, for a weight read by several products, an ``InputCopy`` the caller
/// keeps: see `Conversion`) and runs oneDNN's bf16 kernel, summing and writing float32; with
/// `.bfloat16Emulated` it rounds them to bf16 values in float32 buffers and runs the float32
/// kernel. Bias, activation, scale and accumulate work the same in all three.
public final class MatMul {
    /// The shape and options of one product; the key of the primitive cache.
    struct Key: Hashable {
        var m: Int, n: Int, k: Int
        var transposeA: Bool, transposeB: Bool
        var hasBias: Bool
        var activation: Elementwise?
        var scale: Float = 1
        var accumulate: Float = 0
    }

    /// A created primitive and the memory objects whose data pointers are swapped per call.
    final class Entry {
        let primitive: dnnl_primitive_t
        let source: dnnl_memory_t, weights: dnnl_memory_t, bias: dnnl_memory_t?, destination: dnnl_memory_t
        let implementation: String
        var arguments: [dnnl_exec_arg_t]
        /// Where a bf16 product converts its inputs to: made at its first use (a weight converted
        /// into the caller's ``InputCopy`` never needs one), then reused by every call.
        var sourceCopy: UnsafeMutableRawPointer?, weightsCopy: UnsafeMutableRawPointer?

        init(primitive: dnnl_primitive_t, source: dnnl_memory_t, weights: dnnl_memory_t, bias: dnnl_memory_t?,
             destination: dnnl_memory_t, implementation: String) {
            self.primitive = primitive
            self.source = source
            self.weights = weights
            self.bias = bias
            self.destination = destination
            self.implementation = implementation
            arguments = [
                dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: source),
                dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: weights),
                dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: destination),
            ]
            if let bias { arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: bias)) }
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            dnnl_memory_destroy(source)
            dnnl_memory_destroy(weights)
            if let bias { dnnl_memory_destroy(bias) }
            dnnl_memory_destroy(destination)
            sourceCopy?.deallocate()
            weightsCopy?.deallocate()
        }
    }

    private let engine: dnnl_engine_t
    private let stream: dnnl_stream_t
    private var cache: [Key: Entry] = [:]
    /// The number format of every product of this engine.
    public let precision: Precision

    /// An engine whose products run in `precision`; `.bfloat16` needs a CPU with BF16
    /// instructions (see `MatMul.resolve(_:)`).
    public init(precision: Precision = .float32) {
        precondition(precision != .bfloat16 || MatMul.supportsBFloat16,
                     "MatMul: this CPU has no bf16 products; resolve the precision first")
        self.precision = precision
        var engine: dnnl_engine_t?
        MatMul.check(dnnl_engine_create(&engine, dnnl_cpu, 0), "create the CPU engine")
        var stream: dnnl_stream_t?
        MatMul.check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "create a stream")
        self.engine = engine!
        self.stream = stream!
    }

    deinit {
        cache.removeAll()
        dnnl_stream_destroy(stream)
        dnnl_engine_destroy(engine)
    }

    /// How a product in bf16 gets its `b` input in bf16 (ignored in float32).
    public enum Conversion {
        /// The product converts `b` into a buffer of its own (the default).
        case perProduct
        /// The product converts `b` into the copy, for later products to `reuse`.
        case fill(InputCopy)
        /// The copy already holds `b`, filled by an earlier product from the same, unchanged,
        /// matrix: the caller promises nothing wrote `b` since.
        case reuse(InputCopy)
    }

    /// Computes `c = activation(op(a) · op(b) + bias)`.
    ///
    /// - Parameters:
    ///   - a: stored `m × k`, or `k × m` when `transposeA` (then op(a) = aᵀ).
    ///   - b: stored `k × n`, or `n × k` when `transposeB` (a PyTorch weight `[out, in]` used as
    ///     `xWᵀ` is `b` with `transposeB: true`).
    ///   - transposeA: use `a` transposed (free: the engine reads it in that order).
    ///   - transposeB: use `b` transposed.
    ///   - c: `m × n`, overwritten. Must not overlap `a` or `b`.
    ///   - bias: `n` floats added to every row, or nil.
    ///   - activation: applied to every element after the bias, or nil for none.
    ///   - scale: multiplies the product (before the bias).
    ///   - accumulate: when not 0, `c`'s old contents times this are added (c must then hold
    ///     finite values: 0 · nan is nan).
    ///   - conversion: where a bf16 product's `b` is converted (see `Conversion`).
    ///
    /// A primitive is made per distinct shape, options, `scale` and `accumulate`; callers that
    /// vary `scale` (a learning-rate schedule) make one per value, once.
    public func multiply(
        _ a: Matrix, transposeA: Bool = false,
        _ b: Matrix, transposeB: Bool = false,
        into c: Matrix,
        bias: UnsafePointer<Float>? = nil,
        activation: Elementwise? = nil,
        scale: Float = 1,
        accumulate: Float = 0,
        conversion: Conversion = .perProduct
    ) {
        precondition(accumulate == 0 || activation == nil, "MatMul: accumulate and activation are not combined")
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kB = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kB, "MatMul: inner dimensions differ (\(k) vs \(kB))")
        precondition(c.rows == m && c.columns == n, "MatMul: output is \(c.rows)×\(c.columns), product is \(m)×\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            // An empty sum: the engine rejects zero dimensions, the math says bias (activated).
            for row in 0..<m {
                for column in 0..<n {
                    let z = bias?[column] ?? 0
                    c[row, column] = (activation.map { $0(z) } ?? z) + (accumulate == 0 ? 0 : accumulate * c[row, column])
                }
            }
            return
        }
        let key = Key(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                      hasBias: bias != nil, activation: activation, scale: scale, accumulate: accumulate)
        let entry = cache[key] ?? makeEntry(key)
        var source = UnsafeMutableRawPointer(a.base), weights = UnsafeMutableRawPointer(b.base)
        if precision != .float32 {
            let threads = MatMul.threadCount
            let sourceCopy = entry.sourceCopy ?? allocateCopy(a.count)
            entry.sourceCopy = sourceCopy
            InputCopy.convert(a.base, count: a.count, to: sourceCopy, precision: precision, threads: threads)
            source = sourceCopy
            switch conversion {
            case .perProduct:
                let weightsCopy = entry.weightsCopy ?? allocateCopy(b.count)
                entry.weightsCopy = weightsCopy
                InputCopy.convert(b.base, count: b.count, to: weightsCopy, precision: precision, threads: threads)
                weights = weightsCopy
            case .fill(let copy):
                precondition(copy.precision == precision, "MatMul: a \(copy.precision) copy for a \(precision) product")
                copy.fill(from: b.base, count: b.count, threads: threads)
                weights = copy.base
            case .reuse(let copy):
                precondition(copy.precision == precision && copy.filledFrom == b.base && copy.count >= b.count,
                             "MatMul: the copy was not filled from this matrix")
                weights = copy.base
            }
        }
        dnnl_memory_set_data_handle(entry.source, source)
        dnnl_memory_set_data_handle(entry.weights, weights)
        dnnl_memory_set_data_handle(entry.destination, c.base)
        if let bias, let memory = entry.bias {
            dnnl_memory_set_data_handle(memory, UnsafeMutableRawPointer(mutating: bias))
        }
        entry.arguments.withUnsafeBufferPointer { arguments in
            MatMul.check(dnnl_primitive_execute(entry.primitive, stream, Int32(arguments.count), arguments.baseAddress),
                         "run a \(m)×\(k)·\(k)×\(n) product")
        }
        MatMul.check(dnnl_stream_wait(stream), "wait for the stream")
    }

    /// The name of the kernel oneDNN chose for this product (e.g. "brg:avx512_core"), creating
    /// its primitive if needed.
    public func implementationName(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                                   bias: Bool = false, activation: Elementwise? = nil,
                                   scale: Float = 1, accumulate: Float = 0) -> String {
        let key = Key(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, hasBias: bias, activation: activation,
                      scale: scale, accumulate: accumulate)
        return (cache[key] ?? makeEntry(key)).implementation
    }

    private func makeEntry(_ key: Key) -> Entry {
        let inputType = precision == .bfloat16 ? dnnl_bf16 : dnnl_f32
        var sourceDescription = MatMul.description(rows: key.m, columns: key.k, transposed: key.transposeA, type: inputType)
        var weightsDescription = MatMul.description(rows: key.k, columns: key.n, transposed: key.transposeB, type: inputType)
        var destinationDescription = MatMul.description(rows: key.m, columns: key.n, transposed: false)
        var biasDescription = MatMul.description(rows: 1, columns: key.n, transposed: false)

        var operation = dnnl_matmul_desc_t()
        let described = key.hasBias
            ? dnnl_matmul_desc_init(&operation, &sourceDescription, &weightsDescription, &biasDescription, &destinationDescription)
            : dnnl_matmul_desc_init(&operation, &sourceDescription, &weightsDescription, nil, &destinationDescription)
        MatMul.check(described, "describe a \(key.m)×\(key.k)·\(key.k)×\(key.n) product")

        var attributes: dnnl_primitive_attr_t?
        MatMul.check(dnnl_primitive_attr_create(&attributes), "create primitive attributes")
        defer { dnnl_primitive_attr_destroy(attributes) }
        if key.scale != 1 {
            var scale = key.scale
            MatMul.check(dnnl_primitive_attr_set_output_scales(attributes, 1, 0, &scale), "set the output scale")
        }
        if key.accumulate != 0 {
            // The sum post-op: oneDNN's gemm runs it as beta, reading c while it writes it.
            var postOps: dnnl_post_ops_t?
            MatMul.check(dnnl_post_ops_create(&postOps), "create post-ops")
            defer { dnnl_post_ops_destroy(postOps) }
            MatMul.check(dnnl_post_ops_append_sum(postOps, key.accumulate), "append the sum post-op")
            MatMul.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "set post-ops")
        }
        if let activation = key.activation {
            var postOps: dnnl_post_ops_t?
            MatMul.check(dnnl_post_ops_create(&postOps), "create post-ops")
            defer { dnnl_post_ops_destroy(postOps) }
            let (algorithm, alpha): (dnnl_alg_kind_t, Float) = switch activation {
            case let .relu(slope): (dnnl_eltwise_relu, slope)
            case .tanh: (dnnl_eltwise_tanh, 0)
            case .logistic: (dnnl_eltwise_logistic, 0)
            }
            MatMul.check(dnnl_post_ops_append_eltwise(postOps, 1, algorithm, alpha, 0), "append the \(activation) post-op")
            MatMul.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "set post-ops")
        }

        var primitiveDescription: dnnl_primitive_desc_t?
        MatMul.check(withUnsafePointer(to: &operation) {
            dnnl_primitive_desc_create(&primitiveDescription, UnsafeRawPointer($0), attributes, engine, nil)
        }, "find a kernel for a \(key.m)×\(key.k)·\(key.k)×\(key.n) product")
        defer { dnnl_primitive_desc_destroy(primitiveDescription) }

        var name: UnsafePointer<CChar>?
        dnnl_primitive_desc_query(primitiveDescription, dnnl_query_impl_info_str, 0, &name)
        var primitive: dnnl_primitive_t?
        MatMul.check(dnnl_primitive_create(&primitive, primitiveDescription), "create the product's primitive")

        func memory(_ description: inout dnnl_memory_desc_t) -> dnnl_memory_t {
            var memory: dnnl_memory_t?
            MatMul.check(dnnl_memory_create(&memory, &description, engine, nil), "create a memory object")
            return memory!
        }
        let entry = Entry(
            primitive: primitive!,
            source: memory(&sourceDescription), weights: memory(&weightsDescription),
            bias: key.hasBias ? memory(&biasDescription) : nil,
            destination: memory(&destinationDescription),
            implementation: name.map { String(cString: $0) } ?? "unknown")
        cache[key] = entry
        return entry
    }

    /// A 2-D float32 memory description of a logical `rows × columns` matrix; `transposed` means
    /// it is stored as `columns × rows` row-major (column-major for the logical matrix).
    private static func description(rows: Int, columns: Int, transposed: Bool, type: dnnl_data_type_t = dnnl_f32) -> dnnl_memory_desc_t {
        var description = dnnl_memory_desc_t()
        let dimensions: [Int64] = [Int64(rows), Int64(columns)]
        let strides: [Int64] = transposed ? [1, Int64(rows)] : [Int64(columns), 1]
        check(dnnl_memory_desc_init_by_strides(&description, 2, dimensions, type, strides), "describe a matrix")
        return description
    }

    /// A 64-byte aligned buffer for `count` converted inputs (2 bytes each in bf16, 4 emulated).
    private func allocateCopy(_ count: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * InputCopy.elementBytes(precision), alignment: 64)
    }

    /// oneDNN errors here are programming errors (shapes are checked before), never bad input.
    private static func check(_ status: dnnl_status_t, _ action: @autoclosure () -> String) {
        guard status != dnnl_success else { return }
        preconditionFailure("oneDNN could not \(action()) (status \(status.rawValue))")
    }
}

extension MatMul {
    /// Sets the number of threads every product uses, for the whole process (OpenMP).
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "thread count must be at least 1")
        omp_set_num_threads(Int32(count))
    }

    /// The number of threads products use now.
    public static var threadCount: Int { Int(omp_get_max_threads()) }

    /// "oneDNN 2.6.3".
    public static var engineVersion: String {
        let version = dnnl_version().pointee
        return "oneDNN \(version.major).\(version.minor).\(version.patch)"
    }

    /// Whether this CPU runs bf16 products in hardware (AVX512-BF16 or AMX, as oneDNN sees it).
    public static var supportsBFloat16: Bool {
        ["avx512_core_bf16", "avx512_core_amx"].contains(instructionSet)
    }

    /// The precision a training asking for `requested` gets on this CPU, and a note when it is
    /// not the one asked for: bf16 falls back to float32 on CPUs without BF16 instructions.
    public static func resolve(_ requested: Precision) -> (precision: Precision, note: String?) {
        guard requested == .bfloat16, !supportsBFloat16 else { return (requested, nil) }
        return (.float32, "this CPU has no bf16 instructions (oneDNN uses \(instructionSet); bf16 needs AVX512-BF16 or AMX), "
                + "so the products run in float32. training.precision bf16-emulated gives bf16's numerics here, at float32 speed.")
    }

    /// The instruction set oneDNN dispatches to on this CPU, e.g. "avx512_core_bf16".
    public static var instructionSet: String {
        switch dnnl_get_effective_cpu_isa() {
        case dnnl_cpu_isa_sse41: "sse41"
        case dnnl_cpu_isa_avx: "avx"
        case dnnl_cpu_isa_avx2: "avx2"
        case dnnl_cpu_isa_avx2_vnni: "avx2_vnni"
        case dnnl_cpu_isa_avx512_core: "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: "avx512_core_amx"
        case let other: "isa 0x\(String(other.rawValue, radix: 16))"
        }
    }
}
