import MLPLab
import Testing

struct ValueListTests {
    @Test("lists and ranges parse to the values they describe")
    func parsesListsAndRanges() throws {
        #expect(try ValueList.parse("0.001,0.002, 0.004") == [0.001, 0.002, 0.004])
        #expect(try ValueList.parse("0.001:0.128:x2").map { ($0 * 1000).rounded() } == [1, 2, 4, 8, 16, 32, 64, 128])
        #expect(try ValueList.parse("0.032:0.064:+0.004") == [0.032, 0.036, 0.04, 0.044, 0.048, 0.052, 0.056, 0.06, 0.064])
        #expect(try ValueList.parse("32:128:×2") == [32, 64, 128])
        // Near the largest doubles the 12-decimal rounding would overflow: the values stay finite.
        #expect(try ValueList.parse("1e300:1e300:+1") == [1e300])
        #expect(try ValueList.parse("0:999:+1").count == 1000)
    }

    @Test("ranges of more than 1,000 values, or with a step that cannot move the value, are refused with the reason",
          arguments: [("0:1000:+1", "more than 1000 values"), ("1e300:2e300:+1", "step is too small"), ("1e-300:1e300:x1.01", "more than 1000 values")])
    func refusesUnusableRanges(text: String, reason: String) {
        #expect { try ValueList.parse(text) } throws: { error in
            (error as? ValueList.ParseError)?.description.contains(reason) == true
        }
    }

    @Test("malformed lists and ranges are refused with the accepted forms", arguments: ["", "a,b", "0.1:0.2", "0.1:0.2:x1", "0.2:0.1:+0.01", "1:2:?3", "0.1,,0.2"])
    func refusesMalformed(text: String) {
        #expect(throws: ValueList.ParseError.self) { try ValueList.parse(text) }
    }
}
