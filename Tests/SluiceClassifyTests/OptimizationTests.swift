import Foundation
@testable import SluiceClassify
import Testing

@Suite struct OptimizationTests {
    /// f(x) = Σ cᵢ (xᵢ − tᵢ)² with very different curvatures: L-BFGS must reach the minimum t.
    @Test func lbfgsFindsTheMinimumOfAnIllConditionedQuadratic() {
        let targets: [Float] = [3, -2, 0.5, 10, -7]
        let curvature: [Double] = [1, 100, 0.01, 5, 1_000]
        let solution = LBFGS.minimize(from: [Float](repeating: 0, count: 5), maxIterations: 200, tolerance: 1e-9) { x, gradient in
            var value = 0.0
            for index in x.indices {
                let difference = Double(x[index] - targets[index])
                value += curvature[index] * difference * difference
                gradient[index] = Float(2 * curvature[index] * difference)
            }
            return value
        }
        for index in targets.indices { #expect(abs(solution[index] - targets[index]) < 0.05, "\(index)") }
    }

    /// Scores drawn from a known logistic relation: Platt scaling recovers its slope and intercept.
    @Test func plattScalingRecoversAKnownRelation() {
        var state: UInt64 = 7
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let truth = PlattScaling(a: -2, b: 0.5)
        var scores: [Double] = []
        var positive: [Bool] = []
        for _ in 0..<20_000 {
            let score = uniform() * 6 - 3
            scores.append(score)
            positive.append(uniform() < truth.probability(score))
        }
        let fitted = PlattScaling.fit(scores: scores, positive: positive)
        #expect(abs(fitted.a - truth.a) < 0.15)
        #expect(abs(fitted.b - truth.b) < 0.15)
        #expect(PlattScaling.fit(scores: [1, 2], positive: [true, true]) == .logistic)
    }
}
