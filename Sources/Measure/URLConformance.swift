import Foundation
import SluiceCore

/// `HTTPURL` measured against the web-platform-tests URL suite (`url/resources/urltestdata.json`), on the cases
/// whose answer is an http or https URL or a refusal of one. The suite is not shipped: give its path.
public struct URLConformance: Sendable {
    /// One test of the suite: the input, its base, and the Standard's `href` (nil when the Standard refuses it).
    public struct Case: Sendable, Equatable {
        public var input: String
        public var base: String?
        public var expected: String?
    }

    /// How our answer relates to the Standard's.
    public enum Outcome: String, Sendable, CaseIterable {
        case sameURL = "same URL"
        case bothRefuse = "both refuse"
        case weRefuse = "we refuse, the Standard accepts"
        case weAccept = "we accept, the Standard refuses"
        case different = "both accept, different URLs"
    }

    public struct Result: Sendable {
        public var testCase: Case
        public var outcome: Outcome
        /// Our href, or our refusal.
        public var ours: String
    }

    public var cases: [Case]

    /// Reads the suite. JSON text from JavaScript may hold lone UTF-16 surrogates (`"\uD800"`), which Foundation
    /// refuses; a URL parser sees them as U+FFFD, so they are read as that.
    public init(contentsOf path: String) throws {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: #"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"#, with: #"\\uFFFD"#,
                                         options: .regularExpression)
        text = text.replacingOccurrences(of: #"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"#,
                                         with: #"\\uFFFD"#, options: .regularExpression)
        guard let entries = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
        cases = entries.compactMap { entry in
            guard let test = entry as? [String: Any], let input = test["input"] as? String else { return nil }
            let base = test["base"] as? String
            let expected = test["failure"] as? Bool == true ? nil : test["href"] as? String
            let http = { (url: String?) in url.map { $0.hasPrefix("http:") || $0.hasPrefix("https:") } ?? false }
            let scheme = input.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let concernsHTTP = http(expected)
                || (expected == nil && (scheme.hasPrefix("http:") || scheme.hasPrefix("https:") || http(base)))
            return concernsHTTP ? Case(input: input, base: base, expected: expected) : nil
        }
    }

    public func run() -> [Result] {
        cases.map { testCase in
            let base = testCase.base.map { text in Swift.Result { () throws(URLProblem) in try HTTPURL(text) } }
            let ours: Swift.Result<String, URLProblem>
            var refusedBase: URLProblem?
            if case .failure(let problem)? = base {
                // A base we refuse (about:blank, another scheme, user information): only an absolute URL can stand.
                refusedBase = problem
                ours = Swift.Result { () throws(URLProblem) in try HTTPURL(testCase.input).href }
            } else {
                let parsedBase = try? base?.get()
                ours = Swift.Result { () throws(URLProblem) in try HTTPURL(testCase.input, relativeTo: parsedBase).href }
            }
            func refusal(_ problem: URLProblem) -> String {
                refusedBase.map { "\(problem.reason) (the base is refused: \($0.reason))" } ?? "\(problem.reason)"
            }
            switch (ours, testCase.expected) {
            case (.failure(let problem), nil): return Result(testCase: testCase, outcome: .bothRefuse, ours: refusal(problem))
            case (.failure(let problem), _): return Result(testCase: testCase, outcome: .weRefuse, ours: refusal(problem))
            case (.success(let href), nil): return Result(testCase: testCase, outcome: .weAccept, ours: href)
            case (.success(let href), let expected?):
                return Result(testCase: testCase, outcome: href == expected ? .sameURL : .different, ours: href)
            }
        }
    }

    /// Counts per outcome, then every disagreement with our answer beside the Standard's.
    public static func report(_ results: [Result]) -> String {
        let accepted = results.filter { $0.testCase.expected != nil }.count
        var lines = ["http/https cases: \(results.count) (the Standard accepts \(accepted), refuses \(results.count - accepted))"]
        for outcome in Outcome.allCases {
            lines.append("  \(outcome.rawValue): \(results.filter { $0.outcome == outcome }.count)")
        }
        let disagreements = results.filter { $0.outcome != .sameURL && $0.outcome != .bothRefuse }
        if !disagreements.isEmpty { lines.append("disagreements:") }
        for result in disagreements {
            let base = result.testCase.base.map { " (base \(Self.visible($0)))" } ?? ""
            lines.append("  [\(result.outcome.rawValue)] \(Self.visible(result.testCase.input))\(base)")
            lines.append("      Standard: \(result.testCase.expected.map(Self.visible) ?? "refuses")  ours: \(Self.visible(result.ours))")
        }
        return lines.joined(separator: "\n")
    }

    /// Test inputs are hostile by design: controls and non-ASCII shown as escapes.
    private static func visible(_ text: String) -> String {
        text.unicodeScalars.map { scalar in
            scalar.value >= 0x20 && scalar.value < 0x7F ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
        }.joined()
    }
}
