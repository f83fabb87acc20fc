import Foundation

/// Limited-memory BFGS (Nocedal & Wright, algorithm 7.4/7.5) with a backtracking line search that
/// enforces the Armijo condition: enough for the smooth, convex losses of logistic regression. Parameters
/// and the correction history are `Float` (the history is what costs memory: 2 × `memory` vectors);
/// sums are taken in `Double`.
enum LBFGS {
    /// Minimises `evaluate` (which returns f(x) and writes ∇f(x) into its second argument) from `start`.
    /// Stops after `maxIterations`, when the gradient is small against the parameters, or when an iteration
    /// lowers f by less than a relative `1e-9`.
    static func minimize(from start: [Float], maxIterations: Int, memory: Int = 7, tolerance: Double = 1e-5,
                         evaluate: (_ x: [Float], _ gradient: inout [Float]) -> Double) -> [Float] {
        var x = start
        var gradient = [Float](repeating: 0, count: x.count)
        var value = evaluate(x, &gradient)
        var steps: [[Float]] = []
        var changes: [[Float]] = []
        var curvatures: [Double] = []
        var candidate = x
        var candidateGradient = gradient
        for _ in 0..<maxIterations {
            let gradientNorm = dot(gradient, gradient).squareRoot()
            if gradientNorm <= tolerance * max(1, dot(x, x).squareRoot()) { break }
            var direction = gradient
            var alphas = [Double](repeating: 0, count: steps.count)
            for index in steps.indices.reversed() {
                alphas[index] = curvatures[index] * dot(steps[index], direction)
                add(-alphas[index], changes[index], to: &direction)
            }
            let gamma = steps.last.flatMap { last in changes.last.map { dot(last, $0) / max(dot($0, $0), 1e-300) } }
                ?? 1 / gradientNorm
            scale(&direction, by: gamma)
            for index in steps.indices {
                let beta = curvatures[index] * dot(changes[index], direction)
                add(alphas[index] - beta, steps[index], to: &direction)
            }
            scale(&direction, by: -1)
            var slope = dot(direction, gradient)
            if !(slope < 0) {
                // Not a descent direction (rounding in Float history): start again from steepest descent.
                steps.removeAll()
                changes.removeAll()
                curvatures.removeAll()
                direction = gradient.map { -$0 / Float(gradientNorm) }
                slope = -gradientNorm
            }
            var step = 1.0
            var next = value
            var accepted = false
            for _ in 0..<30 {
                for index in x.indices { candidate[index] = x[index] + Float(step) * direction[index] }
                next = evaluate(candidate, &candidateGradient)
                if next.isFinite, next <= value + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            guard accepted else { break }
            var stepVector = candidate
            var change = candidateGradient
            for index in x.indices {
                stepVector[index] -= x[index]
                change[index] -= gradient[index]
            }
            let curvature = dot(stepVector, change)
            if curvature > 1e-12 {
                if steps.count == memory {
                    steps.removeFirst()
                    changes.removeFirst()
                    curvatures.removeFirst()
                }
                steps.append(stepVector)
                changes.append(change)
                curvatures.append(1 / curvature)
            }
            let decrease = value - next
            swap(&x, &candidate)
            swap(&gradient, &candidateGradient)
            value = next
            if decrease <= 1e-9 * max(abs(value), 1) { break }
        }
        return x
    }

    static func dot(_ left: [Float], _ right: [Float]) -> Double {
        left.withUnsafeBufferPointer { left in
            right.withUnsafeBufferPointer { right in
                var sum = 0.0
                for index in 0..<left.count { sum += Double(left[index]) * Double(right[index]) }
                return sum
            }
        }
    }

    private static func add(_ factor: Double, _ vector: [Float], to target: inout [Float]) {
        let factor = Float(factor)
        target.withUnsafeMutableBufferPointer { target in
            vector.withUnsafeBufferPointer { vector in
                for index in 0..<target.count { target[index] += factor * vector[index] }
            }
        }
    }

    private static func scale(_ vector: inout [Float], by factor: Double) {
        let factor = Float(factor)
        vector.withUnsafeMutableBufferPointer { vector in
            for index in 0..<vector.count { vector[index] *= factor }
        }
    }
}

/// Platt scaling: P(positive | score) = 1 / (1 + exp(a·score + b)), fitted by Newton's method on scores
/// of items held out of training, with Platt's smoothed targets so a perfectly separated set does not
/// push the probabilities to exactly 0 and 1 (Lin, Lin & Weng 2007 give the algorithm).
struct PlattScaling: Sendable, Codable, Equatable {
    var a: Double
    var b: Double

    /// The identity for logistic scores (a = -1, b = 0).
    static let logistic = PlattScaling(a: -1, b: 0)

    func probability(_ score: Double) -> Double {
        let exponent = a * score + b
        return exponent >= 0 ? exp(-exponent) / (1 + exp(-exponent)) : 1 / (1 + exp(exponent))
    }

    static func fit(scores: [Double], positive: [Bool]) -> PlattScaling {
        let positives = Double(positive.filter { $0 }.count)
        let negatives = Double(positive.count) - positives
        guard positives > 0, negatives > 0 else { return .logistic }
        let high = (positives + 1) / (positives + 2)
        let low = 1 / (negatives + 2)
        let targets = positive.map { $0 ? high : low }
        func loss(_ a: Double, _ b: Double) -> Double {
            zip(scores, targets).reduce(0) { total, pair in
                let exponent = a * pair.0 + b
                return total + (exponent >= 0 ? pair.1 * exponent + log(1 + exp(-exponent))
                    : (pair.1 - 1) * exponent + log(1 + exp(exponent)))
            }
        }
        var a = 0.0
        var b = log((negatives + 1) / (positives + 1))
        var value = loss(a, b)
        for _ in 0..<100 {
            var gradientA = 0.0, gradientB = 0.0, hAA = 1e-12, hBB = 1e-12, hAB = 0.0
            for (score, target) in zip(scores, targets) {
                let p = PlattScaling(a: a, b: b).probability(score)
                let weight = p * (1 - p)
                gradientA += score * (target - p)
                gradientB += target - p
                hAA += score * score * weight
                hBB += weight
                hAB += score * weight
            }
            if abs(gradientA) < 1e-6, abs(gradientB) < 1e-6 { break }
            let determinant = hAA * hBB - hAB * hAB
            guard determinant > 0 else { break }
            let stepA = -(hBB * gradientA - hAB * gradientB) / determinant
            let stepB = -(-hAB * gradientA + hAA * gradientB) / determinant
            var fraction = 1.0
            var improved = false
            while fraction >= 1e-10 {
                let candidate = loss(a + fraction * stepA, b + fraction * stepB)
                if candidate < value + 1e-4 * fraction * (gradientA * stepA + gradientB * stepB) {
                    a += fraction * stepA
                    b += fraction * stepB
                    value = candidate
                    improved = true
                    break
                }
                fraction /= 2
            }
            if !improved { break }
        }
        return PlattScaling(a: a, b: b)
    }
}
