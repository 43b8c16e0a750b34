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
}
