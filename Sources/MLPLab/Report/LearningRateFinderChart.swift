extension LearningRateFinder.Result {
    /// The smoothed loss against the learning rate, rates on the x axis.
    public var chart: LineChart {
        var chart = LineChart(title: "loss against learning rate (one pass, rate growing exponentially)", xLabel: "learning rate",
                              yLabel: "smoothed training loss", series: [.init(name: "smoothed loss", values: smoothed)])
        let rates = learningRates
        chart.xTickLabel = { String(format: "%.0e", rates[$0]) }
        return chart
    }
}
