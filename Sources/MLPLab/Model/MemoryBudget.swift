import Foundation

/// Memory reckoned before anything is allocated, so that a model too large for the machine (hidden
/// widths of 100,000) is one clear error instead of an out-of-memory kill.
///
/// Here: the machine's memory and a model's size. What a training needs is reckoned in Training
/// (`trainingBytes`, `check`), what a classifier needs in Inference (`classifierBytes`), and a
/// resized data set's pixels in Data.
public enum MemoryBudget {
    /// The machine's physical memory in bytes.
    public static var physicalMemory: Double {
        Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// `model.parameterCount` in Double, which cannot overflow: the weights and one bias per
    /// non-input unit.
    public static func parameterCount(_ model: ModelConfiguration) -> Double {
        weightCount(model) + model.layerSizes.dropFirst().reduce(0.0) { $0 + Double($1) }
    }

    /// The weights alone (no biases), in Double.
    public static func weightCount(_ model: ModelConfiguration) -> Double {
        let sizes = model.layerSizes.map(Double.init)
        return zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + $1.0 * $1.1 }
    }
}

/// A model that cannot be trained in this machine's memory.
public struct ModelTooLargeError: Error, CustomStringConvertible {
    /// The model's layer widths, e.g. "4800-3600-2400-1200-52".
    public var shape: String
    /// Its weights and biases, as a Double: absurd widths can exceed what an Int holds.
    public var parameters: Double
    /// Bytes the training would need, the data set's pixels included.
    public var neededBytes: Double
    /// Bytes there are: the machine's physical memory, unless the check was given another figure.
    public var availableBytes: Double

    /// The message, with sizes in GB (10⁹ bytes) and what to make smaller.
    public var description: String {
        String(format: "the model %@ has %.3g parameters; training it needs %.1f GB with the data, and this machine has %.1f GB. "
               + "Choose smaller model.hidden_sizes widths (or a smaller training.batch_size).",
               shape, parameters, neededBytes / 1e9, availableBytes / 1e9)
    }
}
