import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Checks that a string is well-formed XML and counts its elements by name.
final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var texts: [String] = []
    /// Every element in document order: its name, attributes, the text directly inside it, and
    /// the index of the element it is inside (nil for the root).
    var elements: [(name: String, attributes: [String: String], text: String, parent: Int?)] = []
    private var open: [Int] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        elements.append((name, attributes, "", open.last))
        open.append(elements.count - 1)
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        texts.append(string)
        if let current = open.last { elements[current].text += string }
    }

    static func parse(_ svg: String) throws -> ElementCounter {
        let counter = ElementCounter()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = counter
        try #require(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")")
        return counter
    }
}
