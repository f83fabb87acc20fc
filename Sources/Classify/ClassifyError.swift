/// Why training, evaluation or loading in the classify stage could not go ahead, naming the input.
public enum ClassifyError: Error, CustomStringConvertible, Equatable {
    case noTrainingData
    /// Every example has the same category and the same verdict, so there is nothing to tell apart.
    case oneClass(category: String, examples: Int)
    case tooFewForFolds(examples: Int, folds: Int)
    case unreadableSample(file: String, line: Int, reason: String)
    case unreadableModel(reason: String)

    public var description: String {
        switch self {
        case .noTrainingData:
            "cannot train the classifier: there are no moderator decisions yet"
        case .oneClass(let category, let examples):
            "cannot train the classifier: all \(examples) decisions have the category \(category) and the same verdict; at least two categories are needed, or both approvals and rejections"
        case .tooFewForFolds(let examples, let folds):
            "cannot cross-validate \(examples) examples in \(folds) folds: each fold needs at least one example"
        case .unreadableSample(let file, let line, let reason):
            "\(file):\(line): \(reason)"
        case .unreadableModel(let reason):
            "the stored classifier model cannot be read: \(reason)"
        }
    }
}
