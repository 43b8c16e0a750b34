extension Dataset {
    /// A hash of everything that decides training on this data: class names, image size, every
    /// label and pixel, the official test range. Recorded with each run so that resuming on
    /// changed data is refused instead of silently giving another result.
    public var fingerprint: String {
        var hash = StableHash()
        hash.add("\(classNames)|\(imageWidth)x\(imageHeight)|\(officialTestRange.map { "\($0)" } ?? "-")")
        labels.withUnsafeBytes { hash.add(bytes: $0) }
        pixels.withUnsafeBytes { hash.add(bytes: $0) }
        return hash.hexDigest
    }
}
