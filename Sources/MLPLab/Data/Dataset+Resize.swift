import Foundation

extension Dataset {
    /// Every image brought to `size` with the resizer image folders use (`GrayImage.resized`,
    /// stb_image_resize), so `--resize` means the same for Fashion-MNIST, an IDX folder and an
    /// image folder. Labels, classes and the official test range are kept; the same size is
    /// returned as is. Resized on `threads` threads, each image into its own slot.
    public func resized(to size: ImageSize, threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> Dataset {
        guard size.width != imageWidth || size.height != imageHeight else { return self }
        let inputSize = featureCount, outputSize = size.width * size.height
        var output = [UInt8](repeating: 0, count: count * outputSize)
        output.withUnsafeMutableBufferPointer { buffer in
            let slots = UncheckedSendable(buffer)
            let chunk = 1024
            let chunks = (count + chunk - 1) / chunk
            let next = ProgressCounter(total: chunks, report: nil)
            DispatchQueue.concurrentPerform(iterations: max(1, min(threads, chunks))) { _ in
                while let c = next.take() {
                    for index in (c * chunk)..<min(count, (c + 1) * chunk) {
                        let start = index * inputSize
                        let image = GrayImage(width: imageWidth, height: imageHeight, pixels: Array(pixels[start..<(start + inputSize)]))
                            .resized(width: size.width, height: size.height)
                        image.pixels.withUnsafeBufferPointer {
                            (slots.value.baseAddress! + index * outputSize).update(from: $0.baseAddress!, count: outputSize)
                        }
                    }
                }
            }
        }
        return Dataset(name: name, classNames: classNames, imageWidth: size.width, imageHeight: size.height,
                       pixels: output, labels: labels, officialTestRange: officialTestRange)
    }
}
