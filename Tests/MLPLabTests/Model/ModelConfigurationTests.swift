import MLPLab
import Testing

struct ModelConfigurationTests {
    @Test("the assignment's model lists the assignment's parameter counts")
    func assignmentModelListing() {
        let model = ModelConfiguration(inputSize: 4800, classCount: 52)
        #expect(model.layerSizes == [4800, 3600, 2400, 1200, 52])
        let listing = model.namedParameterCounts
        #expect(listing.map(\.name) == ["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias",
                                        "layer3.weight", "layer3.bias", "layer4.weight", "layer4.bias"])
        #expect(listing.map(\.count) == [17_280_000, 3600, 8_640_000, 2400, 2_880_000, 1200, 62_400, 52])
        #expect(model.parameterCount == 28_869_652)
    }

    @Test("default widths are ¾, ½, ¼ of the input")
    func defaultWidthsScaleWithInput() {
        #expect(ModelConfiguration.defaultHiddenSizes(inputSize: 784) == [588, 392, 196])
        #expect(ModelConfiguration.defaultHiddenSizes(inputSize: 2) == [1, 1, 1])
    }

    @Test("a default width too large blames the input size and says how to choose, not the widths' example; a given width gets the example")
    func tooWideDefaultsNameTheInputSize() {
        let defaults = ModelConfiguration(inputSize: 2_000_000, classCount: 10)
        #expect(throws: ConfigurationError.self) { try defaults.validate() }
        do { try defaults.validate() } catch let error as ConfigurationError {
            #expect(error.setting == "model.hidden_sizes" && error.fix?.contains("¾, ½ and ¼ of the input size (2000000)") == true, "\(error)")
        } catch { Issue.record("\(error)") }
        let given = ModelConfiguration(inputSize: 784, hiddenSizes: [2_000_000], classCount: 10)
        do { try given.validate() } catch let error as ConfigurationError {
            #expect(error.fix == "e.g. 588,392,196", "\(error)")
        } catch { Issue.record("\(error)") }
    }
}
