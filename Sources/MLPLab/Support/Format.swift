import Foundation

/// How MLPLab writes numbers for people, in the terminal and in reports: one place, so a loss
/// reads the same in `train`'s lines, summary.md and the study.
public enum Format {
    /// "1 epoch", "3 epochs": a count with its noun, plural unless the count is 1.
    public static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// `digits` decimals ("0.8412"); "–" for nil; "nan", "inf", "-inf" for non-finite values
    /// (never printf's "-nan").
    public static func number(_ value: Double?, digits: Int = 4) -> String {
        guard let value else { return "–" }
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: "%.\(digits)f", value)
    }

    /// Four significant digits ("0.01", "130.2"), or Swift's shortest exact form where that
    /// would need an exponent ("1e-05"), so a value printed as an option can be typed back.
    public static func significant(_ value: Double) -> String {
        let text = String(format: "%.4g", value)
        return text.contains("e") ? "\(value)" : text
    }

    /// A rate as a person writes it: up to 5 decimals, trailing zeros dropped (0.0853, 0.2).
    public static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.5f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// 0.8412 → "84.1 %"; "–" for nil or non-finite.
    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.1f %%", value * 100)
    }

    /// 12345.6 → "12,346"; beyond what an Int holds (a number read from an edited file),
    /// "1.23e+20".
    public static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return number(value) }
        guard value.magnitude < 1e18 else { return String(format: "%.3g", value) }
        let whole = Int(value.rounded())
        let digits = String(whole.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (whole < 0 ? "-" : "") + result
    }

    /// "12 s", "1:05", "1:02:03"; "?" for a time that is not finite or beyond an Int.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds.magnitude < 1e18 else { return "?" }
        if seconds < 60 { return String(format: "%.0f s", seconds) }
        let whole = Int(seconds.rounded())
        return whole >= 3600
            ? String(format: "%ld:%02ld:%02ld", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%ld:%02ld", whole / 60, whole % 60)
    }

    /// "512 bytes", "178 MB", "8.0 GB".
    public static func bytes(_ count: Double) -> String {
        if count >= 1e9 { return String(format: "%.1f GB", count / 1e9) }
        if count >= 1e6 { return String(format: "%.0f MB", count / 1e6) }
        return String(format: "%.0f bytes", count)
    }
}
