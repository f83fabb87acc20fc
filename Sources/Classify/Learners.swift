import Dispatch
import Foundation
import Synchronization

/// The learners the model can use over TF-IDF vectors, chosen under `"classify"` in the pipeline file;
/// `sluice eval classify --learner` measures each on the same folds.
public enum Learner: String, Codable, Sendable, CaseIterable {
    /// Logistic regression over naive Bayes–weighted features (Wang & Manning 2012, "NBSVM" with a
    /// logistic loss), one against the rest: each class sees the TF-IDF vector scaled by the log-ratio of
    /// how often each feature occurs in that class and outside it, renormalised. The most accurate on both
    /// labelled sets.
    case nbLogistic = "nb_logistic"
    /// Plain L2-regularised logistic regression: binary for two classes, multinomial (softmax) for more.
    case logistic
    /// Multinomial naive Bayes over the length-normalised TF-IDF vector, additive smoothing.
    case naiveBayes = "naive_bayes"
    /// Complement naive Bayes (Rennie et al. 2003): each class estimated from the items of all others.
    case complementNaiveBayes = "complement_naive_bayes"
    /// `nbLogistic` and `naiveBayes` (smoothing 0.1) together, their class probabilities averaged: the
    /// best for categories of short headlines, worse than `nbLogistic` alone for approve/reject of SMS.
    case ensemble
}

/// What a learner needs besides the data.
struct LearnerSettings: Sendable, Equatable {
    var learner: Learner
    /// Additive smoothing of feature counts (naive Bayes, and the naive Bayes weights of `nbLogistic`).
    var smoothing: Double
    /// Inverse L2 regularisation strength C of logistic regression (larger fits the training set closer).
    var regularization: Double
    var maxIterations: Int
}

/// One linear score over a TF-IDF vector x: bias + Σ wⱼ zⱼ, where z is x itself or, with `scale`, x scaled
/// column by column and brought back to unit length.
struct LinearScorer: Sendable, Codable, Equatable {
    let weights: [Float]
    let scale: [Float]?
    let bias: Float

    func score(_ vector: [(column: Int32, value: Float)]) -> Double {
        var sum = 0.0
        guard let scale else {
            for entry in vector { sum += Double(entry.value * weights[Int(entry.column)]) }
            return Double(bias) + sum
        }
        var squares = 0.0
        for entry in vector {
            let scaled = Double(entry.value * scale[Int(entry.column)])
            squares += scaled * scaled
            sum += scaled * Double(weights[Int(entry.column)])
        }
        return Double(bias) + (squares > 0 ? sum / squares.squareRoot() : 0)
    }

    /// Each feature's part of the score (the bias left out).
    func contributions(_ vector: [(column: Int32, value: Float)]) -> [(column: Int32, weight: Double)] {
        guard let scale else { return vector.map { ($0.column, Double($0.value * weights[Int($0.column)])) } }
        let scaled = vector.map { ($0.column, Double($0.value * scale[Int($0.column)])) }
        let norm = scaled.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
        guard norm > 0 else { return [] }
        return scaled.map { ($0.0, $0.1 / norm * Double(weights[Int($0.0)])) }
    }

    enum CodingKeys: String, CodingKey {
        case weights, scale, bias
    }

    /// The numbers are rounded to half precision here, as they are stored, so a model predicts the same
    /// before and after it is saved.
    init(weights: [Float], scale: [Float]?, bias: Float) {
        self.weights = Packed.rounded(weights)
        self.scale = scale.map(Packed.rounded)
        self.bias = bias
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        weights = try Packed.halves(container.decode(Data.self, forKey: .weights))
        scale = try container.decodeIfPresent(Data.self, forKey: .scale).map(Packed.halves)
        bias = try container.decode(Float.self, forKey: .bias)
        if let scale, scale.count != weights.count {
            throw DecodingError.dataCorruptedError(forKey: .scale, in: container, debugDescription: "scale and weights differ in length")
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Packed.halfData(weights), forKey: .weights)
        try container.encodeIfPresent(scale.map(Packed.halfData), forKey: .scale)
        try container.encode(bias, forKey: .bias)
    }
}

/// A trained linear classifier: one scorer for two classes (class 1 when the score is positive), one per
/// class otherwise (the highest wins).
struct LinearClassifier: Sendable, Codable, Equatable {
    let scorers: [LinearScorer]
    /// Over more than two classes, probabilities are the softmax of the scores (naive Bayes log-likelihoods,
    /// multinomial logistic regression) or, for one-against-the-rest scores, the normalised sigmoids.
    let softmax: Bool
    /// Classifiers whose class probabilities are averaged with this one's (the `ensemble` learner).
    let partners: [LinearClassifier]

    init(scorers: [LinearScorer], softmax: Bool, partners: [LinearClassifier] = []) {
        self.scorers = scorers
        self.softmax = softmax
        self.partners = partners
    }

    var columns: Int { scorers.first?.weights.count ?? 0 }

    /// One score per scorer: the raw linear scores, or for an ensemble the logit (two classes) or the log
    /// (more) of the averaged probabilities; higher favours the class either way.
    func scores(_ vector: [(column: Int32, value: Float)]) -> [Double] {
        guard !partners.isEmpty else { return ownScores(vector) }
        let probabilities = predict(vector).probabilities
        if scorers.count == 1 {
            let positive = min(max(probabilities[1], 1e-12), 1 - 1e-12)
            return [log(positive / (1 - positive))]
        }
        return probabilities.map { log(max($0, 1e-300)) }
    }

    private func ownScores(_ vector: [(column: Int32, value: Float)]) -> [Double] {
        scorers.map { $0.score(vector) }
    }

    /// The index of the predicted class and the probability of each class.
    func predict(_ vector: [(column: Int32, value: Float)]) -> (best: Int, probabilities: [Double]) {
        let own = ownPrediction(ownScores(vector))
        guard !partners.isEmpty else { return own }
        var sum = own.probabilities
        for partner in partners {
            for (index, probability) in partner.predict(vector).probabilities.enumerated() where index < sum.count { sum[index] += probability }
        }
        let average = sum.map { $0 / Double(partners.count + 1) }
        return (average.indices.max { average[$0] < average[$1] } ?? 0, average)
    }

    private func ownPrediction(_ scores: [Double]) -> (best: Int, probabilities: [Double]) {
        if scores.count == 1 {
            let positive = PlattScaling.logistic.probability(scores[0])
            return (positive >= 0.5 ? 1 : 0, [1 - positive, positive])
        }
        let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
        var probabilities: [Double]
        if softmax {
            let top = scores[best]
            probabilities = scores.map { exp($0 - top) }
        } else {
            probabilities = scores.map { PlattScaling.logistic.probability($0) }
        }
        let sum = probabilities.reduce(0, +)
        if sum > 0 { probabilities = probabilities.map { $0 / sum } }
        return (best, probabilities)
    }

    /// Trains on `rows` (unit-length TF-IDF vectors over `columns` columns) labelled with class indices in
    /// `0..<classes`. One-against-the-rest fits run on all cores, a class each.
    static func train(rows: SparseRows, labels: [Int], classes: Int, columns: Int,
                      settings: LearnerSettings) -> LinearClassifier {
        let binary = classes == 2
        switch settings.learner {
        case .ensemble:
            var single = settings
            single.learner = .nbLogistic
            let main = train(rows: rows, labels: labels, classes: classes, columns: columns, settings: single)
            single.learner = .naiveBayes
            // Tuned on the tune half of the headline set; naive Bayes wants less smoothing than the ratios.
            single.smoothing = 0.1
            let partner = train(rows: rows, labels: labels, classes: classes, columns: columns, settings: single)
            return LinearClassifier(scorers: main.scorers, softmax: main.softmax, partners: [partner])
        case .naiveBayes, .complementNaiveBayes:
            let complement = settings.learner == .complementNaiveBayes
            let perClass = naiveBayes(rows: rows, labels: labels, classes: classes, columns: columns,
                                      smoothing: settings.smoothing, complement: complement)
            guard binary else { return LinearClassifier(scorers: perClass, softmax: true) }
            let difference = zip(perClass[1].weights, perClass[0].weights).map { $0 - $1 }
            return LinearClassifier(scorers: [LinearScorer(weights: difference, scale: nil, bias: perClass[1].bias - perClass[0].bias)],
                                    softmax: true)
        case .logistic where !binary:
            return LinearClassifier(scorers: softmaxRegression(rows: rows, labels: labels, classes: classes, columns: columns,
                                                               settings: settings), softmax: true)
        case .logistic:
            let fit = logisticRegression(rows: rows, values: rows.values, positive: labels.map { $0 == 1 }, columns: columns,
                                         settings: settings)
            return LinearClassifier(scorers: [LinearScorer(weights: fit.weights, scale: nil, bias: fit.bias)], softmax: false)
        case .nbLogistic:
            let targets = binary ? [1] : Array(0..<classes)
            let results = Mutex([Int: LinearScorer]())
            DispatchQueue.concurrentPerform(iterations: targets.count) { index in
                let positive = labels.map { $0 == targets[index] }
                let ratios = presenceLogRatios(rows: rows, positive: positive, columns: columns, smoothing: settings.smoothing)
                let fit = logisticRegression(rows: rows, values: rows.scaledValues(by: ratios), positive: positive,
                                             columns: columns, settings: settings)
                let scorer = LinearScorer(weights: fit.weights, scale: ratios, bias: fit.bias)
                results.withLock { $0[index] = scorer }
            }
            let scorers = results.withLock { found in targets.indices.compactMap { found[$0] } }
            return LinearClassifier(scorers: scorers, softmax: false)
        }
    }

    /// log(p̂ⱼ / q̂ⱼ): how much likelier feature j is present in a positive item than in a negative one, each
    /// side's presence counts smoothed and normalised to sum to one.
    private static func presenceLogRatios(rows: SparseRows, positive: [Bool], columns: Int, smoothing: Double) -> [Float] {
        var inside = [Double](repeating: smoothing, count: columns)
        var outside = [Double](repeating: smoothing, count: columns)
        for row in 0..<rows.count {
            for entry in rows.start[row]..<rows.start[row + 1] where rows.values[entry] > 0 {
                if positive[row] { inside[Int(rows.columns[entry])] += 1 } else { outside[Int(rows.columns[entry])] += 1 }
            }
        }
        let insideTotal = inside.reduce(0, +)
        let outsideTotal = outside.reduce(0, +)
        return (0..<columns).map { Float(log(inside[$0] / insideTotal) - log(outside[$0] / outsideTotal)) }
    }

    /// Per class: weights log θ (or −log θ̃ of the complement) and the log prior (0 for the complement).
    private static func naiveBayes(rows: SparseRows, labels: [Int], classes: Int, columns: Int, smoothing: Double,
                                   complement: Bool) -> [LinearScorer] {
        var mass = [[Double]](repeating: [Double](repeating: 0, count: columns), count: classes)
        var documents = [Double](repeating: 0, count: classes)
        for row in 0..<rows.count {
            documents[labels[row]] += 1
            for entry in rows.start[row]..<rows.start[row + 1] {
                mass[labels[row]][Int(rows.columns[entry])] += Double(rows.values[entry])
            }
        }
        let total = documents.reduce(0, +)
        var allMass = [Double](repeating: 0, count: columns)
        if complement { for counts in mass { for column in 0..<columns { allMass[column] += counts[column] } } }
        return (0..<classes).map { label in
            let counts = complement ? (0..<columns).map { allMass[$0] - mass[label][$0] } : mass[label]
            let denominator = log(counts.reduce(0, +) + smoothing * Double(columns))
            let logTheta = counts.map { log($0 + smoothing) - denominator }
            return complement
                ? LinearScorer(weights: logTheta.map { Float(-$0) }, scale: nil, bias: 0)
                : LinearScorer(weights: logTheta.map(Float.init), scale: nil, bias: Float(log(max(documents[label], 0.5) / total)))
        }
    }

    /// Minimises Σᵢ log(1 + exp(−yᵢ sᵢ)) + ‖w‖² / (2C) over the weights and an unpenalised bias, by L-BFGS.
    private static func logisticRegression(rows: SparseRows, values: [Float], positive: [Bool], columns: Int,
                                           settings: LearnerSettings) -> (weights: [Float], bias: Float) {
        let penalty = 1 / settings.regularization
        let solution = LBFGS.minimize(from: [Float](repeating: 0, count: columns + 1), maxIterations: settings.maxIterations) { x, gradient in
            var loss = 0.0
            x.withUnsafeBufferPointer { x in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    for column in 0..<columns { gradient[column] = Float(penalty) * x[column] }
                    gradient[columns] = 0
                    var biasGradient = 0.0
                    var squares = 0.0
                    for column in 0..<columns { squares += Double(x[column]) * Double(x[column]) }
                    loss = 0.5 * penalty * squares
                    rows.columns.withUnsafeBufferPointer { indices in
                        values.withUnsafeBufferPointer { values in
                            for row in 0..<rows.count {
                                let range = rows.start[row]..<rows.start[row + 1]
                                var score = Double(x[columns])
                                for entry in range { score += Double(values[entry] * x[Int(indices[entry])]) }
                                let margin = positive[row] ? score : -score
                                loss += margin > 0 ? log1p(exp(-margin)) : -margin + log1p(exp(margin))
                                let probability = 1 / (1 + exp(-score))
                                let residual = Float(probability - (positive[row] ? 1 : 0))
                                for entry in range { gradient[Int(indices[entry])] += residual * values[entry] }
                                biasGradient += Double(residual)
                            }
                        }
                    }
                    gradient[columns] = Float(biasGradient)
                }
            }
            return loss
        }
        return (Array(solution[0..<columns]), solution[columns])
    }

    /// Multinomial logistic regression: minimises Σᵢ (log Σₖ exp sᵢₖ − sᵢ,yᵢ) + ‖W‖² / (2C), biases unpenalised.
    /// Parameters are laid out class by class, each `columns` weights then its bias.
    private static func softmaxRegression(rows: SparseRows, labels: [Int], classes: Int, columns: Int,
                                          settings: LearnerSettings) -> [LinearScorer] {
        let penalty = 1 / settings.regularization
        let width = columns + 1
        let solution = LBFGS.minimize(from: [Float](repeating: 0, count: classes * width), maxIterations: settings.maxIterations) { x, gradient in
            var loss = 0.0
            var scores = [Double](repeating: 0, count: classes)
            x.withUnsafeBufferPointer { x in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    for label in 0..<classes {
                        for column in 0..<columns {
                            let weight = x[label * width + column]
                            gradient[label * width + column] = Float(penalty) * weight
                            loss += 0.5 * penalty * Double(weight) * Double(weight)
                        }
                        gradient[label * width + columns] = 0
                    }
                    rows.columns.withUnsafeBufferPointer { indices in
                        rows.values.withUnsafeBufferPointer { values in
                            for row in 0..<rows.count {
                                let range = rows.start[row]..<rows.start[row + 1]
                                for label in 0..<classes {
                                    let base = label * width
                                    var score = Double(x[base + columns])
                                    for entry in range { score += Double(values[entry] * x[base + Int(indices[entry])]) }
                                    scores[label] = score
                                }
                                let top = scores.max() ?? 0
                                let sum = scores.reduce(0) { $0 + exp($1 - top) }
                                loss += top + log(sum) - scores[labels[row]]
                                for label in 0..<classes {
                                    let base = label * width
                                    let residual = Float(exp(scores[label] - top) / sum - (label == labels[row] ? 1 : 0))
                                    for entry in range { gradient[base + Int(indices[entry])] += residual * values[entry] }
                                    gradient[base + columns] += residual
                                }
                            }
                        }
                    }
                }
            }
            return loss
        }
        return (0..<classes).map { label in
            LinearScorer(weights: Array(solution[(label * width)..<(label * width + columns)]), scale: nil,
                         bias: solution[label * width + columns])
        }
    }
}
