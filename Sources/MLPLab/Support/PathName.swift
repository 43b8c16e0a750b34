/// A path's parent folder and last component, as `NSString.deletingLastPathComponent` and
/// `lastPathComponent` give them, without them: in the Foundation of Swift 6.3 on Linux both trap
/// (illegal instruction) on a one-character path such as "r" or "r/", which a run directory "r" hit.
public enum PathName {
    /// "a/b/c" → "a/b", "a/b/" → "a", "c" → "", "/c" → "/", "/" → "/", "" → "".
    public static func parent(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(Substring(path))
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        let parent = withoutTrailingSlashes(trimmed[..<slash])
        return parent.isEmpty ? "/" : String(parent)
    }

    /// "a/b/c" → "c", "a/b/" → "b", "c" → "c", "/" → "/", "" → "".
    public static func lastComponent(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(Substring(path))
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `path` without slashes at its end, except a lone "/".
    private static func withoutTrailingSlashes(_ path: Substring) -> Substring {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return path
    }
}
