import MLPLab
import Testing

struct TextTableTests {
    @Test("columns are padded to their widest cell, the first left-aligned, the rest right-aligned; ragged rows are fine")
    func padsColumns() {
        let table = TextTable(header: ["class", "n"], rows: [["Bag", "7"], ["T-shirt/top", "1000"], ["x", "1", "extra"]])
        #expect(table.text == """
            class           n
            Bag             7
            T-shirt/top  1000
            x               1  extra
            """)
    }
}
