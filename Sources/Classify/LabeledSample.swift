import Foundation

/// One moderator decision in training form: the text the classifier reads, the category kept, and the verdict.
public struct LabeledExample: Sendable, Codable, Equatable {
    /// `ClassifyInput.combinedText` of the item.
    public var text: String
    public var category: String
    public var approved: Bool

    public init(text: String, category: String, approved: Bool) {
        self.text = text
        self.category = category
        self.approved = approved
    }
}

/// One line of `samples/labeled.jsonl`: `{"title","text","note","category","approved"}`.
public struct LabeledSample: Sendable, Codable, Equatable {
    public var title: String?
    public var text: String
    public var note: String?
    public var category: String
    public var approved: Bool

    public var input: ClassifyInput { ClassifyInput(title: title, text: text, note: note) }
    public var example: LabeledExample { LabeledExample(text: input.combinedText, category: category, approved: approved) }

    /// Reads a JSON Lines file; blank lines are skipped, a bad line is an error naming its number.
    public static func load(path: String) throws -> [LabeledSample] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClassifyError.unreadableSample(file: path, line: 0, reason: "cannot read the file")
        }
        let decoder = JSONDecoder()
        var samples: [LabeledSample] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            do {
                samples.append(try decoder.decode(LabeledSample.self, from: Data(line)))
            } catch {
                throw ClassifyError.unreadableSample(file: path, line: index + 1, reason: "not a labelled item (\(error))")
            }
        }
        return samples
    }
}
