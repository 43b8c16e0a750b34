import CStb

extension GrayImage {
    /// This image resized to `width × height` with stb_image_resize (Mitchell filter down,
    /// Catmull-Rom up, as stb picks), in one call when stb can make it in one.
    ///
    /// stb_image_resize 0.97 (Debian's) sizes its buffers and offsets in 32-bit `int`: a ring of
    /// output rows as tall as the filter's reach, coefficients per input column, the output's row
    /// offsets. Shrinking a tall image to a wide, short one (1×60,000 → 3,000×1) or making an
    /// output of 2³¹ bytes wraps them and writes outside its buffers. When one call would,
    /// `resized` makes the height pass and the width pass as two calls, each within bounds (the
    /// pixels then differ from one call's by the rounding of the image between them); when
    /// neither order fits, or stb cannot allocate, it throws `DatasetError.cannotResize` naming
    /// `path`, before stb is called. `resizeProblem(from:to:)` says so without resizing.
    public func resized(width newWidth: Int, height newHeight: Int, path: String) throws -> GrayImage {
        if newWidth == width && newHeight == height { return self }
        let source = ImageSize(width: width, height: height), target = ImageSize(width: newWidth, height: newHeight)
        switch GrayImage.resizePlan(from: source, to: target) {
        case .oneCall:
            return try stbResized(to: target, path: path)
        case .heightFirst:
            return try stbResized(to: ImageSize(width: width, height: newHeight), path: path).stbResized(to: target, path: path)
        case .widthFirst:
            return try stbResized(to: ImageSize(width: newWidth, height: height), path: path).stbResized(to: target, path: path)
        case nil:
            throw DatasetError.cannotResize(path: path, from: source, to: target,
                                            reason: "stb_image_resize's buffers for it would pass its 2 GB limit")
        }
    }

    /// Why `resized` cannot bring an image of `source`'s size to `target`'s, or nil when it can.
    public static func resizeProblem(from source: ImageSize, to target: ImageSize) -> String? {
        source == target || resizePlan(from: source, to: target) != nil ? nil : "stb_image_resize's buffers for it would pass its 2 GB limit"
    }

    /// How `resized` makes a size from another: one stb call, two (height pass first or width
    /// pass first), or nil when no order keeps every stb buffer within bounds.
    enum ResizePlan { case oneCall, heightFirst, widthFirst }

    static func resizePlan(from source: ImageSize, to target: ImageSize) -> ResizePlan? {
        if stbFits(from: source, to: target) { return .oneCall }
        let tallThenWide = ImageSize(width: source.width, height: target.height)
        if stbFits(from: source, to: tallThenWide) && stbFits(from: tallThenWide, to: target) { return .heightFirst }
        let wideThenTall = ImageSize(width: target.width, height: source.height)
        if stbFits(from: source, to: wideThenTall) && stbFits(from: wideThenTall, to: target) { return .widthFirst }
        return nil
    }

    /// Whether one `stbir_resize_uint8` call of one channel from `source` to `target` keeps every
    /// size it computes in `int` (stbir__calculate_memory, the row offsets) and their sum below
    /// 2³¹, with a margin for the float scale stb computes them from. Both default filters reach
    /// 2 pixels each side (support 2), 4 coefficients a contributor.
    static func stbFits(from source: ImageSize, to target: ImageSize) -> Bool {
        let limit = Double(Int32.max) - Double(1 << 24)
        func filterWidth(_ scale: Double) -> Double { scale > 1 ? 4 : (4 / scale).rounded(.up) }
        func contributors(_ scale: Double, _ input: Int, _ output: Int) -> Double {
            scale > 1 ? Double(output) : Double(input) + (filterWidth(scale) / 2).rounded(.down) * 2
        }
        let horizontal = Double(target.width) / Double(source.width), vertical = Double(target.height) / Double(source.height)
        let margin = (filterWidth(horizontal) / 2).rounded(.down)
        let outputRow = Double(target.width) * 4
        let parts = [
            contributors(horizontal, source.width, target.width) * 8,        // horizontal contributors
            contributors(horizontal, source.width, target.width) * 4 * 4,    // horizontal coefficients
            contributors(vertical, source.height, target.height) * 8,        // vertical contributors
            contributors(vertical, source.height, target.height) * 4 * 4,    // vertical coefficients
            (Double(source.width) + margin * 2) * 4,                         // decode buffer
            outputRow * (filterWidth(vertical) + 1),                         // ring buffer
            outputRow * 2,                                                   // horizontal and encode buffers
            Double(source.width) * Double(source.height),                    // input row offsets
            Double(target.width) * Double(target.height),                    // output row offsets
        ]
        return parts.allSatisfy { $0 < limit } && parts.prefix(7).reduce(0, +) < limit
    }

    /// One `stbir_resize_uint8` call; `resizePlan` has checked its sizes.
    private func stbResized(to target: ImageSize, path: String) throws -> GrayImage {
        if target.width == width && target.height == height { return self }
        var output = [UInt8](repeating: 0, count: target.width * target.height)
        let done = pixels.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stbir_resize_uint8(input.baseAddress!, Int32(width), Int32(height), 0,
                                   out.baseAddress!, Int32(target.width), Int32(target.height), 0, 1)
            }
        }
        guard done != 0 else {
            throw DatasetError.cannotResize(path: path, from: ImageSize(width: width, height: height), to: target,
                                            reason: "stb_image_resize could not allocate its buffers (out of memory)")
        }
        return GrayImage(width: target.width, height: target.height, pixels: output)
    }
}
