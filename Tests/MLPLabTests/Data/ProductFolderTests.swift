import Foundation
import MLPLab
import Testing

/// `ProductFolder`: the unbalanced product-like folder written from a data set.
struct ProductFolderTests {
    @Test("writes one folder per class with the scaled, unbalanced counts; a folder that exists is refused, named, and left as it was")
    func writesNewFoldersOnly() throws {
        let root = try TestSupport.temporaryDirectory().path
        let dataset = SyntheticData.quadrants(count: 400)
        let counts = try ProductFolder.write(from: dataset, to: root + "/p", scale: 0.01)
        #expect(counts == [35, 28, 22, 17])
        for (label, name) in dataset.classNames.enumerated() {
            let files = try FileManager.default.contentsOfDirectory(atPath: root + "/p/" + ProductFolder.folderName(name))
            #expect(files.count == counts[label] && files.allSatisfy { $0.hasSuffix(".jpg") }, "\(name): \(files.count)")
        }
        let before = try FileManager.default.subpathsOfDirectory(atPath: root + "/p").sorted()
        #expect(throws: DatasetError.folderExists(path: root + "/p")) { try ProductFolder.write(from: dataset, to: root + "/p", scale: 0.01) }
        let message = "\(DatasetError.folderExists(path: root + "/p"))"
        #expect(message.contains("'\(root)/p' already exists") && message.contains("Remove it, or give another name"), "\(message)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root + "/p").sorted() == before)
    }
}
