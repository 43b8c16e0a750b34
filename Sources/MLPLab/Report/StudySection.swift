/// One part of the study as the report shows it: its title, question, configuration line,
/// findings written from its runs' numbers, charts, and the table of its runs.
struct StudySection {
    /// 1…12, the assignment's part number.
    var number: Int
    var title: String
    var question: String
    /// What the runs trained, in one line.
    var configuration: String
    /// Sentences built from the measured numbers; `**bold**` marks the headline figure.
    var findings: [String]
    var charts: [StudyChart]
    /// The runs listed in the part's table (none for Parts 1 and 2).
    var runs: [StudyRun]
}
