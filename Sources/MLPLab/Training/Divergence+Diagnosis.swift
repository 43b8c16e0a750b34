import Foundation

extension Divergence {
    /// What happened, in one clause, for a model of `classCount` classes: "the loss became nan in
    /// epoch 1, batch 15", or for a collapse, that it exploded past 100 × ln(classes) and left
    /// the model no better than guessing. The one wording the tool's message, summary.md and
    /// the study's report all use.
    public func summary(classCount: Int) -> String {
        loss.isFinite
            ? "in epoch \(epoch) the loss exploded to \(String(format: "%.4g", loss)) at batch \(batch) (over 100 × ln \(classCount)) and the model ended the epoch no better than guessing"
            : "the loss became \(Format.number(loss)) in epoch \(epoch), batch \(batch)"
    }

    /// Why a training whose loss became non-finite most likely diverged, and the setting to
    /// change, judged from its configuration in the order the assignment met the causes:
    /// unscaled inputs (Part 3), too much momentum (Part 8 at 0.98), too large a step (Part 6 at 0.2).
    public static func diagnose(_ configuration: TrainingConfiguration, firstGradientNorm: Double, lastFiniteGradientNorm: Double) -> String {
        // Measurements, not settings to type back: four digits, an exponent where needed (1.196e+19).
        let norm = { (value: Double) in value.isFinite ? String(format: "%.4g", value) : Format.number(value) }
        let evidence = " (gradient norm \(norm(firstGradientNorm)) at the first step, \(norm(lastFiniteGradientNorm)) just before)"
        return cause(configuration) + evidence
    }

    static func cause(_ configuration: TrainingConfiguration) -> String {
        let sgd = configuration.optimizer
        let effectiveStep = sgd.learningRate / (1 - min(sgd.momentum, 0.999))
        if configuration.inputScaling == .raw {
            return "the inputs are not scaled to 0…1: pixels enter as 0…255 (training.input_scaling raw), so activations and gradients are about 255× too large and the updates overflow. Drop training.input_scaling raw (divide by 255), or lower training.optimizer.learning_rate about 1000×."
        }
        // Weight decay alone scales every weight by (1 − lr·λ) per step (more with momentum): at
        // lr·λ/(1−momentum) ≥ 1 the weights flip sign and grow, whatever the data says.
        let decayStep = sgd.learningRate * sgd.weightDecay / (1 - min(sgd.momentum, 0.999))
        if sgd.weightDecay > 0 && decayStep >= 1 {
            return "weight decay \(Format.significant(sgd.weightDecay)) is too strong for lr \(Format.significant(sgd.learningRate)): each step takes lr·λ\(sgd.momentum > 0 ? "/(1−momentum)" : "") = \(Format.significant(decayStep)) of every weight away, more than the weight itself, so the weights flip sign and grow. Use training.optimizer.weight_decay \(Format.significant(min(sgd.weightDecay / 10, 0.01))) or lower (the assignment's values are 0.01 and 0.1 at lr 0.01)."
        }
        if sgd.momentum >= 0.95 {
            return "momentum \(sgd.momentum) is too high: the steps add up to lr/(1−momentum) = \(Format.significant(effectiveStep)) per unit gradient and overshoot. Use training.optimizer.momentum 0.9 or lower, or lower training.optimizer.learning_rate."
        }
        if effectiveStep >= 0.15 {
            return "the learning rate is too high: lr \(Format.significant(sgd.learningRate))\(sgd.momentum > 0 ? " with momentum \(sgd.momentum) (effective step \(Format.significant(effectiveStep)))" : "") overshoots. Use training.optimizer.learning_rate \(Format.significant(suggestedRate(sgd))) or lower, or find one with 'mlplab lr-find'."
        }
        return "the updates grew until they overflowed. Lower training.optimizer.learning_rate (now \(Format.significant(sgd.learningRate)))\(sgd.momentum > 0 ? " or training.optimizer.momentum (now \(sgd.momentum))" : "")."
    }

    /// A rate to try after a divergence from too large a step: a quarter of the rate, but never
    /// an effective step (lr/(1−momentum)) above 0.1, where the assignment's models train; so
    /// a learning rate of 1e308 gets 0.1, not 2.5e307.
    static func suggestedRate(_ sgd: OptimizerConfiguration) -> Double {
        min(sgd.learningRate / 4, 0.1 * (1 - min(sgd.momentum, 0.999)))
    }
}
