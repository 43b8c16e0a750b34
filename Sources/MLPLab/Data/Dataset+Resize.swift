import Foundation

extension Dataset {
    /// Every image brought to `size` with the resizer image folders use (`GrayImage.resized`,
    /// stb_image_resize), so `data.image_folder.resize` means the same for Fashion-MNIST, an IDX folder and an
    /// image folder. Labels, classes and the official test range are kept; the same size is
    /// returned as is. Resized on `threads` threads, each image into its own slot.
    ///
    /// Throws `DatasetError.resizeTooLarge` before allocating when the resized pixels would take
    /// more than `maximumBytes` (`data.image_folder.maximum_decoded_bytes`, the bound image folders have) or more
    /// than `availableMemory`: a resize to 65536x65536 on Fashion-MNIST asks for 300 PB, which
    /// would otherwise end the process in the allocator instead of with a message. Throws
    /// `DatasetError.cannotResize` when stb_image_resize cannot make `size` from the images' size
    /// (`GrayImage.resizeProblem`), before resizing any.
    public func resized(to size: ImageSize, threads: Int = CPUInfo.usableCores,
                        maximumBytes: Int = ImageFolderOptions().maximumDecodedBytes,
                        availableMemory: Double = MemoryBudget.physicalMemory) throws -> Dataset {
        guard size.width != imageWidth || size.height != imageHeight else { return self }
        let totalBytes = try Self.resizedBytes(source: name, images: count, size: size, maximumBytes: maximumBytes,
                                               availableMemory: availableMemory)
        let source = ImageSize(width: imageWidth, height: imageHeight)
        if let problem = GrayImage.resizeProblem(from: source, to: size) {
            throw DatasetError.cannotResize(path: name, from: source, to: size, reason: problem)
        }
        let inputSize = featureCount, outputSize = size.width * size.height
        var output = [UInt8](repeating: 0, count: totalBytes)
        let failure = FirstError()
        output.withUnsafeMutableBufferPointer { buffer in
            let slots = UncheckedSendable(buffer)
            let chunk = 1024
            let chunks = (count + chunk - 1) / chunk
            let next = ProgressCounter(total: chunks, report: nil)
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, chunks))) { _ in
                while let c = next.take() {
                    for index in (c * chunk)..<min(count, (c + 1) * chunk) {
                        let start = index * inputSize
                        let image: GrayImage
                        do {
                            image = try GrayImage(width: imageWidth, height: imageHeight, pixels: Array(pixels[start..<(start + inputSize)]))
                                .resized(width: size.width, height: size.height, path: "\(name) image \(index)")
                        } catch {
                            return failure.keep(error)
                        }
                        image.pixels.withUnsafeBufferPointer {
                            (slots.value.baseAddress! + index * outputSize).update(from: $0.baseAddress!, count: outputSize)
                        }
                    }
                }
            }
        }
        try failure.rethrow()
        return Dataset(name: name, classNames: classNames, imageWidth: size.width, imageHeight: size.height,
                       pixels: output, labels: labels, officialTestRange: officialTestRange)
    }

    /// images × width × height, checked in Double (which cannot overflow) against both bounds
    /// before the Int product is formed, so the product fits an Int when it is returned.
    static func resizedBytes(source: String, images: Int, size: ImageSize, maximumBytes: Int,
                             availableMemory: Double) throws -> Int {
        let bytes = Double(images) * Double(size.width) * Double(size.height)
        if bytes > Double(maximumBytes) || bytes >= 0x1p62 {
            throw DatasetError.resizeTooLarge(source: source, images: images, width: size.width, height: size.height,
                                              limit: Double(maximumBytes), byMemory: false)
        }
        if bytes > availableMemory {
            throw DatasetError.resizeTooLarge(source: source, images: images, width: size.width, height: size.height,
                                              limit: availableMemory, byMemory: true)
        }
        return images * size.width * size.height
    }
}

/// The first error any of several threads met, kept under a lock and thrown after they finish.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?

    /// Keeps `error` unless one is kept already.
    func keep(_ error: Error) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    /// Throws the kept error, if any.
    func rethrow() throws {
        lock.lock()
        defer { lock.unlock() }
        if let error { throw error }
    }
}
