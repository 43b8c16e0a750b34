import CDNNL
import Foundation

/// Measures what keeping a product's weight operand in the layout its kernel prefers would gain:
/// the same product with the weights as MLPLab passes them (plain row-major, which the kernel
/// may repack on every call) and with them in the layout the primitive asks for when it may
/// choose (`dnnl_format_tag_any`, reordered once before timing), and the reorders between the two.
/// For issue 16's measurement, before any design: `bench/LayoutBenchmark`.
///
/// With MatMul.swift, the only file that imports CDNNL.
public enum MatMulLayoutBenchmark {
    /// Which operand is kept in the kernel's layout: the weights (B) of a forward x·Wᵀ or an input
    /// gradient dz·W, or the destination of a weight-gradient product dzᵀ·x (what an update in
    /// that layout would read and write).
    public enum Operand: Sendable { case weights, destination }

    /// One shape's figures.
    public struct Result: Sendable {
        /// GFLOP/s with every operand plain, and with `operand` in the kernel's chosen layout.
        public var plain: Double, chosen: Double
        /// Milliseconds to reorder the operand from plain to the chosen layout, and back.
        public var toChosen: Double, toPlain: Double
        /// The chosen layout ("plain" when the kernel keeps row-major), and both kernels' names.
        public var layout: String, plainKernel: String, chosenKernel: String
    }

    /// Times (m × k)·(k × n) with `operand` plain and chosen: medians of `repeats` runs after one
    /// warm-up, on the threads `MatMul.setThreadCount` set.
    public static func measure(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
                               operand: Operand, repeats: Int = 20) -> Result {
        var engine: dnnl_engine_t?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0))
        var stream: dnnl_stream_t?
        check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue))
        defer {
            dnnl_stream_destroy(stream)
            dnnl_engine_destroy(engine)
        }
        let source = plain(rows: m, columns: k, transposed: transposeA)
        let weights = plain(rows: k, columns: n, transposed: transposeB)
        let destination = plain(rows: m, columns: n, transposed: false)
        var any = dnnl_memory_desc_t()
        let dimensions: [Int64] = operand == .weights ? [Int64(k), Int64(n)] : [Int64(m), Int64(n)]
        check(dnnl_memory_desc_init_by_tag(&any, 2, dimensions, dnnl_f32, dnnl_format_tag_any))

        let plainProduct = Product(source: source, weights: weights, destination: destination, engine: engine!)
        let chosenProduct = Product(source: source, weights: operand == .weights ? any : weights,
                                    destination: operand == .destination ? any : destination, engine: engine!)
        defer {
            plainProduct.release()
            chosenProduct.release()
        }
        let plainDescription = operand == .weights ? weights : destination
        var chosenDescription = chosenProduct.description(of: operand == .weights ? DNNL_ARG_WEIGHTS : DNNL_ARG_DST)

        // Buffers: random inputs, the operand in both layouts.
        var generator = RandomGenerator(seed: 1, stream: .initialization)
        func buffer(_ description: dnnl_memory_desc_t) -> UnsafeMutableRawPointer {
            var description = description
            let bytes = max(dnnl_memory_desc_get_size(&description), 4)
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            let floats = pointer.bindMemory(to: Float.self, capacity: bytes / 4)
            for i in 0..<(bytes / 4) { floats[i] = generator.nextFloat(in: -1, 1) }
            return pointer
        }
        let a = buffer(source), b = buffer(weights), c = buffer(destination), chosen = buffer(chosenDescription)
        defer { [a, b, c, chosen].forEach { $0.deallocate() } }

        let toChosen = Reorder(from: plainDescription, to: chosenDescription, engine: engine!)
        let toPlain = Reorder(from: chosenDescription, to: plainDescription, engine: engine!)
        defer {
            toChosen.release()
            toPlain.release()
        }
        let plainOperand = operand == .weights ? b : c
        func time(_ body: () -> Void) -> Double {
            let clock = ContinuousClock()
            var times: [Double] = []
            for iteration in 0...max(repeats, 1) {
                let start = clock.now
                body()
                check(dnnl_stream_wait(stream))
                if iteration > 0 { times.append((clock.now - start).seconds) }
            }
            return times.sorted()[times.count / 2]
        }
        let flops = 2 * Double(m) * Double(n) * Double(k)
        let plainSeconds = time { plainProduct.run(a, b, c, stream: stream!) }
        let toChosenSeconds = time { toChosen.run(plainOperand, chosen, stream: stream!) }
        let chosenSeconds = time {
            operand == .weights ? chosenProduct.run(a, chosen, c, stream: stream!) : chosenProduct.run(a, b, chosen, stream: stream!)
        }
        let toPlainSeconds = time { toPlain.run(chosen, plainOperand, stream: stream!) }
        let same = dnnl_memory_desc_equal(&chosenDescription, [plainDescription]) != 0
        return Result(plain: flops / plainSeconds / 1e9, chosen: flops / chosenSeconds / 1e9,
                      toChosen: toChosenSeconds * 1000, toPlain: toPlainSeconds * 1000,
                      layout: same ? "plain" : describe(chosenDescription),
                      plainKernel: plainProduct.kernel, chosenKernel: chosenProduct.kernel)
    }

    /// A primitive and its memory objects, whose data pointers are set per run.
    private final class Product {
        let primitive: dnnl_primitive_t
        let descriptor: dnnl_primitive_desc_t
        let memories: [dnnl_memory_t]
        let kernel: String

        init(source: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, destination: dnnl_memory_desc_t, engine: dnnl_engine_t) {
            var source = source, weights = weights, destination = destination
            var operation = dnnl_matmul_desc_t()
            check(dnnl_matmul_desc_init(&operation, &source, &weights, nil, &destination))
            var descriptor: dnnl_primitive_desc_t?
            check(withUnsafePointer(to: &operation) { dnnl_primitive_desc_create(&descriptor, UnsafeRawPointer($0), nil, engine, nil) })
            var primitive: dnnl_primitive_t?
            check(dnnl_primitive_create(&primitive, descriptor))
            var name: UnsafePointer<CChar>?
            dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name)
            kernel = name.map { String(cString: $0) } ?? "unknown"
            self.descriptor = descriptor!
            self.primitive = primitive!
            memories = [DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST].map { argument in
                var description = dnnl_primitive_desc_query_md(descriptor, dnnl_query_exec_arg_md, argument)!.pointee
                var memory: dnnl_memory_t?
                check(dnnl_memory_create(&memory, &description, engine, nil))
                return memory!
            }
        }

        func description(of argument: Int32) -> dnnl_memory_desc_t {
            dnnl_primitive_desc_query_md(descriptor, dnnl_query_exec_arg_md, argument)!.pointee
        }

        func run(_ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer, _ c: UnsafeMutableRawPointer, stream: dnnl_stream_t) {
            for (memory, pointer) in zip(memories, [a, b, c]) { dnnl_memory_set_data_handle(memory, pointer) }
            let arguments = zip([DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST], memories).map { dnnl_exec_arg_t(arg: $0, memory: $1) }
            check(dnnl_primitive_execute(primitive, stream, Int32(arguments.count), arguments))
        }

        func release() {
            dnnl_primitive_destroy(primitive)
            dnnl_primitive_desc_destroy(descriptor)
            memories.forEach { dnnl_memory_destroy($0) }
        }
    }

    /// A reorder between two layouts of one matrix.
    private final class Reorder {
        let primitive: dnnl_primitive_t
        let from: dnnl_memory_t, to: dnnl_memory_t

        init(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t, engine: dnnl_engine_t) {
            var from = from, to = to
            var descriptor: dnnl_primitive_desc_t?
            check(dnnl_reorder_primitive_desc_create(&descriptor, &from, engine, &to, engine, nil))
            defer { dnnl_primitive_desc_destroy(descriptor) }
            var primitive: dnnl_primitive_t?
            check(dnnl_primitive_create(&primitive, descriptor))
            self.primitive = primitive!
            var source: dnnl_memory_t?, destination: dnnl_memory_t?
            check(dnnl_memory_create(&source, &from, engine, nil))
            check(dnnl_memory_create(&destination, &to, engine, nil))
            self.from = source!
            self.to = destination!
        }

        func run(_ source: UnsafeMutableRawPointer, _ destination: UnsafeMutableRawPointer, stream: dnnl_stream_t) {
            dnnl_memory_set_data_handle(from, source)
            dnnl_memory_set_data_handle(to, destination)
            let arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)]
            check(dnnl_primitive_execute(primitive, stream, 2, arguments))
        }

        func release() {
            dnnl_primitive_destroy(primitive)
            dnnl_memory_destroy(from)
            dnnl_memory_destroy(to)
        }
    }

    private static func plain(rows: Int, columns: Int, transposed: Bool) -> dnnl_memory_desc_t {
        var description = dnnl_memory_desc_t()
        let strides: [Int64] = transposed ? [1, Int64(rows)] : [Int64(columns), 1]
        check(dnnl_memory_desc_init_by_strides(&description, 2, [Int64(rows), Int64(columns)], dnnl_f32, strides))
        return description
    }

    /// "strides [a, b], inner blocks 16×64 of dims [1, 0]": a blocked layout in oneDNN's terms.
    private static func describe(_ description: dnnl_memory_desc_t) -> String {
        guard description.format_kind == dnnl_blocked else { return "format kind \(description.format_kind.rawValue)" }
        var blocking = description.format_desc.blocking
        let strides = withUnsafeBytes(of: &blocking.strides) { Array($0.bindMemory(to: Int64.self).prefix(2)) }
        let count = Int(blocking.inner_nblks)
        let blocks = withUnsafeBytes(of: &blocking.inner_blks) { Array($0.bindMemory(to: Int64.self).prefix(count)) }
        let indices = withUnsafeBytes(of: &blocking.inner_idxs) { Array($0.bindMemory(to: Int64.self).prefix(count)) }
        return count == 0 ? "strides \(strides)" : "strides \(strides), inner blocks \(blocks) of dims \(indices)"
    }

    private static func check(_ status: dnnl_status_t) {
        precondition(status == dnnl_success, "oneDNN failed (status \(status.rawValue))")
    }
}
