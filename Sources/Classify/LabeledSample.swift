import Foundation

/// How far an example's category can be trusted when the model learns categories.
public enum CategoryOrigin: String, Sendable, Codable {
    /// A person chose it: a moderator set it, or a labelled file gives it.
    case taught
    /// A moderator approved the item with the category the classifier gave it.
    case kept
    /// The classifier's own guess on an item a moderator rejected: not learnt from.
    case guessed
}

/// One moderator decision in training form: the text the classifier reads, the category kept, and the verdict.
public struct LabeledExample: Sendable, Codable, Equatable {
    /// `ClassifyInput.combinedText` of the item.
    public var text: String
    public var category: String
    public var approved: Bool
    public var categoryOrigin: CategoryOrigin

    public init(text: String, category: String, approved: Bool, categoryOrigin: CategoryOrigin = .taught) {
        self.text = text
        self.category = category
        self.approved = approved
        self.categoryOrigin = categoryOrigin
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
        try LabeledFile.lines(path: path).map { line in
            do {
                return try JSONDecoder().decode(LabeledSample.self, from: line.data)
            } catch {
                throw ClassifyError.unreadableSample(file: path, line: line.number, reason: "not a labelled item (\(error))")
            }
        }
    }
}

/// What a labelled set teaches: approve/reject, categories, or both (the samples' own format).
public enum LabeledTask: String, Sendable, Codable, CaseIterable {
    case approve, category, both
}

/// A labelled file in either format: the samples' `{"title","text","note","category","approved"}`, or
/// `{"text","label"}` (the sets in `../shared/classify`), whose labels become verdicts (spam → reject,
/// ham → approve, unless a label map says otherwise) or categories.
public struct LabeledFile: Sendable {
    public var examples: [LabeledExample]
    public var task: LabeledTask
    /// The label of each `{"text","label"}` line, in file order (empty for the samples' format).
    public var labels: [String]

    public init(examples: [LabeledExample], task: LabeledTask, labels: [String]) {
        self.examples = examples
        self.task = task
        self.labels = labels
    }

    /// Labels read as verdicts without a map.
    public static let verdictLabels: [String: Bool] = [
        "spam": false, "ham": true, "reject": false, "rejected": false, "approve": true, "approved": true,
    ]

    private struct TextLabel: Decodable {
        var text: String
        var label: String
    }

    /// `task` nil detects it: verdict labels only (after the map) make an approve set, other labels a
    /// category set. `labelMap` renames labels first (`spam=reject`, `体育=sports`).
    public static func load(path: String, task requested: LabeledTask? = nil, labelMap: [String: String] = [:]) throws -> LabeledFile {
        let lines = try lines(path: path)
        guard let first = lines.first else {
            throw ClassifyError.unreadableSample(file: path, line: 0, reason: "no labelled items in the file")
        }
        let isTextLabel = (try? JSONSerialization.jsonObject(with: first.data) as? [String: Any])?["label"] != nil
        guard isTextLabel else {
            if let requested, requested != .both {
                throw ClassifyError.unreadableSample(file: path, line: first.number,
                                                     reason: "the samples' format carries both category and verdict; --task \(requested.rawValue) applies to {\"text\",\"label\"} files")
            }
            return LabeledFile(examples: try LabeledSample.load(path: path).map(\.example), task: .both, labels: [])
        }
        var texts: [String] = []
        var labels: [String] = []
        for line in lines {
            do {
                let item = try JSONDecoder().decode(TextLabel.self, from: line.data)
                texts.append(item.text)
                labels.append(labelMap[item.label] ?? item.label)
            } catch {
                throw ClassifyError.unreadableSample(file: path, line: line.number, reason: "not a {\"text\",\"label\"} item (\(error))")
            }
        }
        let task = requested ?? (Set(labels).isSubset(of: Set(verdictLabels.keys)) ? .approve : .category)
        switch task {
        case .approve:
            var examples: [LabeledExample] = []
            for (index, label) in labels.enumerated() {
                guard let approved = verdictLabels[label] else {
                    throw ClassifyError.unreadableSample(
                        file: path, line: lines[index].number,
                        reason: "label \"\(label)\" is not a verdict (spam, ham, approve, reject); map it with --label-map \(label)=approve or \(label)=reject")
                }
                examples.append(LabeledExample(text: texts[index], category: "other", approved: approved, categoryOrigin: .guessed))
            }
            return LabeledFile(examples: examples, task: .approve, labels: labels)
        case .category:
            return LabeledFile(examples: zip(texts, labels).map { LabeledExample(text: $0, category: $1, approved: true) },
                               task: .category, labels: labels)
        case .both:
            throw ClassifyError.unreadableSample(file: path, line: first.number,
                                                 reason: "a {\"text\",\"label\"} file teaches one thing: --task approve or --task category")
        }
    }

    /// The non-blank lines of a JSON Lines file with their 1-based numbers.
    static func lines(path: String) throws -> [(number: Int, data: Data)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClassifyError.unreadableSample(file: path, line: 0, reason: "cannot read the file")
        }
        return data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) ? (index + 1, Data(line)) : nil
        }
    }
}
