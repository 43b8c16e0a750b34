import Foundation
import MLPLab
import Testing

/// The diagnosis a divergence gets: the setting to change, and a value for it that trains.
struct DivergenceDiagnosisTests {
    @Test("after a divergence from too large a rate, the suggested rate is one that trains, however absurd the rate was")
    func suggestedRateIsSane() {
        var training = TrainingConfiguration()
        training.optimizer = OptimizerConfiguration(learningRate: 1e308)
        let text = Divergence.diagnose(training, firstGradientNorm: 1, lastFiniteGradientNorm: 1)
        #expect(text.contains("training.optimizer.learning_rate 0.1 or lower"), "\(text)")
        training.optimizer = OptimizerConfiguration(learningRate: 0.2)
        #expect(Divergence.diagnose(training, firstGradientNorm: 1, lastFiniteGradientNorm: 1).contains("training.optimizer.learning_rate 0.05 or lower"))
        training.optimizer = OptimizerConfiguration(learningRate: 0.5, momentum: 0.9)
        #expect(Divergence.diagnose(training, firstGradientNorm: 1, lastFiniteGradientNorm: 1).contains("training.optimizer.learning_rate 0.01 or lower"))
    }

    @Test("a divergence from too strong a weight decay names training.optimizer.weight_decay, not the rate")
    func weightDecayDivergenceNamesWeightDecay() {
        var training = TrainingConfiguration()
        training.optimizer = OptimizerConfiguration(learningRate: 1, weightDecay: 50)
        let text = Divergence.diagnose(training, firstGradientNorm: 1, lastFiniteGradientNorm: 1)
        #expect(text.contains("training.optimizer.weight_decay") && !text.contains("training.optimizer.learning_rate 0.1 or lower"), "\(text)")
        training.optimizer = OptimizerConfiguration(learningRate: 0.01, weightDecay: 1e6)
        #expect(Divergence.diagnose(training, firstGradientNorm: 1, lastFiniteGradientNorm: 1).contains("training.optimizer.weight_decay 0.01 or lower"))
        training.optimizer = OptimizerConfiguration(learningRate: 0.01, weightDecay: 0.1)
        #expect(!Divergence.diagnose(training, firstGradientNorm: 1, lastFiniteGradientNorm: 1).contains("weight_decay"))
    }
}
