// MLPLab from Swift: train Fashion-MNIST's MLP for one epoch on a subset, evaluate it, load the
// saved model file again and predict one image. Run: swift run -c release train-fashion-mnist
import Foundation
import MLPLab

var data = DataConfiguration()                  // Fashion-MNIST, a tenth of train held out for validation
data.trainLimit = 6_000                         // a stratified subset, for a quick run
let (dataset, _) = try data.load()
let model = ModelConfiguration(inputSize: dataset.featureCount, classCount: dataset.classCount)  // 784-588-392-196-10
var training = TrainingConfiguration()          // the assignment's SGD: lr 0.01, batch 64
training.epochs = 1
training.optimizer = OptimizerConfiguration(learningRate: 0.05, momentum: 0.9)
let record = RunRecord(data: data, dataset: dataset, model: model, training: training)
let folder = try RunFolder(path: NSTemporaryDirectory() + "mlplab-example-\(getpid())")  // config, checkpoint, model, summary.md
let result = try Training.run(record, on: dataset, in: folder) { event in
    if case let .epoch(epoch) = event { print("epoch \(epoch.epoch): loss \(Format.number(epoch.loss))") }
}
let classifier = try Classifier(contentsOf: folder.path(of: .model))         // the saved file, loaded again
let test = try DatasetSplit.make(for: dataset, data: data, seed: training.seed).test
let evaluation = try classifier.evaluate(test, of: dataset)
print("test accuracy \(Format.number(result.testAccuracy)) in training, \(Format.number(evaluation.accuracy)) from the file")
let image = dataset.image(at: test[0])
let top = try classifier.top(3, of: [image])[0]
print("test image 0 is \(dataset.classNames[Int(dataset.labels[test[0]])]); predicted: "
      + top.map { "\($0.name) \(Format.number(Double($0.probability), digits: 3))" }.joined(separator: ", "))
let report = [RunFolder.File.summary, .lossChart, .perClassChart, .confusionChart].filter { !folder.contains($0) }
try FileManager.default.removeItem(atPath: folder.path)
if !report.isEmpty { print("the run folder lacks \(report.map(\.rawValue))"); exit(1) }
if evaluation.accuracy != result.testAccuracy { print("the reloaded model scored differently"); exit(1) }
