import Foundation
import SluiceClassify
import SluiceCore
import Testing

@Suite struct ClassifierModelTests {
    let examples: [LabeledExample]
    init() throws { examples = try LabeledSample.load(path: Fixtures.labeledPath).map(\.example) }

    @Test func labelledSetIsLargeBalancedAndBilingual() throws {
        #expect(examples.count >= 200)
        let perCategory = Dictionary(grouping: examples, by: \.category).mapValues(\.count)
        #expect(perCategory.count == 10)
        #expect(perCategory.values.allSatisfy { $0 >= 18 })
        let english = examples.filter { $0.text.unicodeScalars.allSatisfy { !$0.properties.isIdeographic } }
        #expect(english.count >= 50 && english.count <= examples.count - 100)
        #expect(examples.contains { !$0.approved } && examples.contains(where: \.approved))
    }

    @Test func sameDecisionsGiveTheSameBytesInAnyOrder() throws {
        let first = try ClassifierModel.train(examples, options: ClassifyOptions()).serialized()
        let again = try ClassifierModel.train(examples, options: ClassifyOptions()).serialized()
        let reversed = try ClassifierModel.train(examples.reversed(), options: ClassifyOptions()).serialized()
        #expect(first == again)
        #expect(first == reversed)
    }

    @Test func serializedModelPredictsTheSameAfterLoading() throws {
        let model = try ClassifierModel.train(examples, options: ClassifyOptions())
        let loaded = try ClassifierModel.deserialize(model.serialized())
        #expect(loaded.trainedOn == examples.count)
        for example in examples.prefix(20) {
            #expect(loaded.predictCategory(example.text) == model.predictCategory(example.text))
            #expect(loaded.probabilityOfApproval(example.text) == model.probabilityOfApproval(example.text))
        }
    }

    @Test func emptySetIsAClearError() {
        #expect(throws: ClassifyError.noTrainingData) { try ClassifierModel.train([], options: ClassifyOptions()) }
        #expect(ClassifyError.noTrainingData.description.contains("no moderator decisions"))
    }

    @Test func oneCategoryIsAClearError() {
        let single = examples.filter { $0.category == "courses" }
        #expect {
            try ClassifierModel.train(single, options: ClassifyOptions())
        } throws: { error in
            guard let error = error as? ClassifyError, case .oneClass(let category, let count) = error else { return false }
            return category == "courses" && count == single.count && error.description.contains("at least two categories")
        }
    }

    @Test func oneVerdictTrainsCategoriesButGivesNoApprovalProbability() throws {
        let approvedOnly = examples.filter(\.approved)
        let model = try ClassifierModel.train(approvedOnly, options: ClassifyOptions())
        #expect(model.probabilityOfApproval("任何文字") == nil)
        #expect(model.categories.count == 10)
    }

    @Test func badLabelledLineIsNamedByNumber() throws {
        let path = try Fixtures.temporaryFile(
            #"{"title":"t","text":"x","note":null,"category":"other","approved":true}"# + "\n\n" + #"{"text":"y"}"# + "\n",
            name: "labeled.jsonl")
        #expect {
            try LabeledSample.load(path: path)
        } throws: { error in
            guard case .unreadableSample(_, let line, _) = error as? ClassifyError else { return false }
            return line == 3
        }
    }

    @Test func corruptModelBytesAreAClearError() {
        #expect(throws: ClassifyError.self) { try ClassifierModel.deserialize(Data("{\"format\":1}".utf8)) }
    }

    @Test func learntModelPlacesUnseenTextsAndDistrustsScams() throws {
        let model = try ClassifierModel.train(examples, options: ClassifyOptions())
        #expect(model.predictCategory("在闲鱼上卖二手童装，选品和发货的经验").category == "ecommerce")
        #expect(model.predictCategory("My experience as a freelancer finding clients on Upwork").category == "freelance")
        let scam = try #require(model.probabilityOfApproval("零成本躺赚，先交押金领任务，拉人头还有奖励，日入过万"))
        let honest = try #require(model.probabilityOfApproval("作者记录了一年的真实收入和踩过的坑，数据很具体"))
        #expect(scam < 0.5)
        #expect(honest > scam)
    }

    @Test func encodedOptionsReadBackUnchanged() throws {
        let options = ClassifyOptions(retrainAfterDecisions: 25, ngramSizes: [1, 2, 3], flagPenalties: ["fraud": 1])
        let data = try JSONEncoder().encode(options)
        #expect(try StrictJSON.decode(ClassifyOptions.self, from: data, file: "p.json") == options)
    }

    @Test func optionsTakeDefaultsAndRefuseBadValues() throws {
        let partial = try StrictJSON.decode(ClassifyOptions.self, from: Data(#"{"ngram_sizes":[2,3]}"#.utf8), file: "p.json")
        #expect(partial.ngramSizes == [2, 3])
        #expect(partial.retrainAfterDecisions == ClassifyOptions().retrainAfterDecisions)
        #expect(throws: ConfigurationError.self) {
            try StrictJSON.decode(ClassifyOptions.self, from: Data(#"{"ngram_size":[2]}"#.utf8), file: "p.json")
        }
        #expect {
            try StrictJSON.decode(ClassifyOptions.self, from: Data(#"{"model_min_confidence":1.5}"#.utf8), file: "p.json")
        } throws: { error in
            (error as? ConfigurationError)?.key == "model_min_confidence"
        }
    }
}
