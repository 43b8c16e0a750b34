/// How a training runs its products on this machine: each layer's ``WeightOrientation`` and
/// whether plain SGD's update of its weight is folded into the weight-gradient product
/// (``UpdatePlan``). A choice of speed: both orientations and both updates compute the same
/// values, to rounding (the engine sums in another order).
///
/// A new run takes ``measured(model:training:rows:processes:cacheDirectory:)``: timings of both choices,
/// measured once per machine, layer shape, thread count and precision, and kept in the cache
/// folder, so that the choice, and with it the result, is the same in every run on the machine.
/// config.json records the plan, and a resume continues with it, bit for bit. A run recorded
/// without one (from before the choice existed) continues with ``standard(model:rows:)``, the
/// plan all runs had then.
public struct ComputePlan: Codable, Equatable, Sendable {
    /// Per layer, input side first: how its weight is stored while it trains.
    public var weightOrientations: [WeightOrientation]
    /// Per layer: whether its weight update is folded into the weight-gradient product when the
    /// optimizer allows it (plain SGD in one process).
    public var fusedUpdates: [Bool]

    /// A plan of one entry per layer in each list.
    public init(weightOrientations: [WeightOrientation], fusedUpdates: [Bool]) {
        self.weightOrientations = weightOrientations
        self.fusedUpdates = fusedUpdates
    }

    /// The plan without measuring: every weight `[in, out]`, updates fused by the shape rule
    /// (`UpdatePlan.fusesByShape`) for steps of `rows` rows. What every run used before the
    /// choice was measured, and what a run recorded without a plan resumes with.
    public static func standard(model: ModelConfiguration, rows: Int) -> ComputePlan {
        let sizes = model.layerSizes
        let pairs = Array(zip(sizes, sizes.dropFirst()))
        return ComputePlan(weightOrientations: pairs.map { _ in .inOut },
                           fusedUpdates: pairs.map { UpdatePlan.fusesByShape(inputSize: $0.0, outputSize: $0.1, batchSize: rows) })
    }

    /// Every layer's weight in `orientation`, nothing fused: a plan for tests and benchmarks that
    /// run one orientation on any CPU.
    public static func uniform(_ orientation: WeightOrientation, layers: Int) -> ComputePlan {
        ComputePlan(weightOrientations: Array(repeating: orientation, count: layers),
                    fusedUpdates: Array(repeating: false, count: layers))
    }

    /// Throws ``ConfigurationError`` unless the plan has one entry per layer of `model`.
    public func validate(for model: ModelConfiguration) throws {
        let layers = model.layerSizes.count - 1
        // The entries as given, or only their count when there are many (an edited file may hold
        // any number): the message stays one readable line.
        func given(_ entries: [String]) -> String {
            entries.count <= 16 ? entries.joined(separator: ",") : "\(entries.count) entries"
        }
        guard weightOrientations.count == layers else {
            throw ConfigurationError(setting: "compute.weight_orientations", value: given(weightOrientations.map(\.rawValue)),
                                     rule: "must name one orientation (in_out or out_in) per layer, \(layers) for this model")
        }
        guard fusedUpdates.count == layers else {
            throw ConfigurationError(setting: "compute.fused_updates", value: given(fusedUpdates.map { "\($0)" }),
                                     rule: "must hold one true or false per layer, \(layers) for this model")
        }
    }

    /// "in_out ×3, out_in ×1; fused: layers 1, 2" style one-line description.
    public var summary: String {
        let orientations = weightOrientations.map(\.rawValue).joined(separator: ",")
        let fused = fusedUpdates.enumerated().filter(\.element).map { "\($0.offset + 1)" }
        return "weights \(orientations); update fused into the product in \(fused.isEmpty ? "no layer" : "layer\(fused.count == 1 ? "" : "s") \(fused.joined(separator: ", "))")"
    }
}
