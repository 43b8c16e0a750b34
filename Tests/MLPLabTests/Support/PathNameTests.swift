import MLPLab
import Testing

/// `PathName` against what NSString's path methods give on the paths where those do not trap.
struct PathNameTests {
    @Test("parent and last component, one-character paths included (Foundation traps on those)",
          arguments: [
              ("a/b/c", "a/b", "c"), ("a/b/", "a", "b"), ("c", "", "c"), ("r", "", "r"), ("r/", "", "r"),
              ("/c", "/", "c"), ("/", "/", "/"), ("", "", ""), ("a//b", "a", "b"), ("//x", "/", "x"), ("./r", ".", "r"),
              ("runs/2026-11-30 07.40", "runs", "2026-11-30 07.40"), ("é/ü", "é", "ü"),
          ])
    func parentAndLast(path: String, parent: String, last: String) {
        #expect(PathName.parent(of: path) == parent, "parent of '\(path)'")
        #expect(PathName.lastComponent(of: path) == last, "last component of '\(path)'")
    }
}
