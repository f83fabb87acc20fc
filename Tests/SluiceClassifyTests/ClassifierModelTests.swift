import Foundation
import SluiceClassify
import SluiceCore
import Testing

/// One model trained on the labelled samples, shared by the tests that only read it (training in a debug
/// build takes seconds).
enum TrainedSamples {
    static let examples: [LabeledExample] = (try? LabeledSample.load(path: Fixtures.labeledPath).map(\.example)) ?? []
    static let model = Result { try ClassifierModel.train(examples, options: ClassifyOptions(), rules: try Fixtures.engine()) }
}

@Suite struct ClassifierModelTests {
    let examples = TrainedSamples.examples

    @Test func labelledSetIsLargeBalancedAndBilingual() throws {
        #expect(examples.count >= 200)
        let perCategory = Dictionary(grouping: examples, by: \.category).mapValues(\.count)
        #expect(perCategory.count == 10)
        #expect(perCategory.values.allSatisfy { $0 >= 18 })
        let english = examples.filter { $0.text.unicodeScalars.allSatisfy { !$0.properties.isIdeographic } }
        #expect(english.count >= 50 && english.count <= examples.count - 100)
        #expect(examples.contains { !$0.approved } && examples.contains(where: \.approved))
    }

    @Test func sameDecisionsGiveTheSameBytesAndVersionInAnyOrder() throws {
        let engine = try Fixtures.engine()
        let first = try TrainedSamples.model.get()
        let reversed = try ClassifierModel.train(examples.reversed(), options: ClassifyOptions(), rules: engine)
        #expect(try first.serialized() == reversed.serialized())
        #expect(first.id == reversed.id && first.id.count == 16)
        let fewer = try ClassifierModel.train(Array(examples.dropLast()), options: ClassifyOptions(), rules: engine)
        #expect(fewer.id != first.id)
    }

    @Test func serializedModelPredictsTheSameAfterLoading() throws {
        let model = try TrainedSamples.model.get()
        let loaded = try ClassifierModel.deserialize(model.serialized())
        let engine = try Fixtures.engine()
        #expect(loaded.trainedOn == examples.count)
        #expect(loaded.id == model.id)
        for example in examples.prefix(20) {
            let rules = engine.evaluate(ClassifyInput(text: example.text))
            #expect(loaded.predictCategory(example.text, rules: rules) == model.predictCategory(example.text, rules: rules))
            #expect(loaded.probabilityOfApproval(example.text) == model.probabilityOfApproval(example.text))
        }
    }

    @Test func emptySetIsAClearError() {
        #expect(throws: ClassifyError.noTrainingData) { try ClassifierModel.train([], options: ClassifyOptions()) }
        #expect(ClassifyError.noTrainingData.description.contains("no moderator decisions"))
    }

    @Test func oneCategoryAndOneVerdictIsAClearError() {
        let single = examples.filter { $0.category == "courses" && $0.approved }
        #expect {
            try ClassifierModel.train(single, options: ClassifyOptions())
        } throws: { error in
            guard let error = error as? ClassifyError, case .oneClass(let category, let count) = error else { return false }
            return category == "courses" && count == single.count && error.description.contains("at least two categories")
        }
    }

    @Test func oneVerdictTrainsCategoriesButGivesNoApprovalProbability() throws {
        let model = try ClassifierModel.train(examples.filter(\.approved), options: ClassifyOptions())
        #expect(model.probabilityOfApproval("任何文字") == nil)
        #expect(model.categories.count == 10)
    }

    @Test func oneCategoryTrainsVerdictsOnly() throws {
        let spam = examples.map { LabeledExample(text: $0.text, category: "other", approved: $0.approved) }
        let model = try ClassifierModel.train(spam, options: ClassifyOptions())
        #expect(model.categories.isEmpty)
        #expect(model.predictCategory("任何文字") == nil)
        #expect(model.probabilityOfApproval("零成本躺赚，先交押金领任务") != nil)
    }

    /// A category the classifier guessed on an item moderators rejected is not learnt; kept and taught ones are.
    @Test func guessedCategoriesAreNotLearnt() throws {
        var mixed = examples
        for index in mixed.indices where !mixed[index].approved {
            mixed[index].category = "guess"
            mixed[index].categoryOrigin = .guessed
        }
        let model = try ClassifierModel.train(mixed, options: ClassifyOptions())
        #expect(!model.categories.contains("guess"))
        #expect(model.taughtCategoryExamples == mixed.filter(\.approved).count)
        #expect(model.probabilityOfApproval("零成本躺赚，先交押金领任务，拉人头还有奖励") != nil)
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

    @Test func corruptOrOlderModelBytesAreAClearError() throws {
        #expect(throws: ClassifyError.self) { try ClassifierModel.deserialize(Data("{\"format\":1}".utf8)) }
        var object = try #require(try JSONSerialization.jsonObject(with: TrainedSamples.model.get().serialized()) as? [String: Any])
        object["format"] = 1
        #expect {
            try ClassifierModel.deserialize(JSONSerialization.data(withJSONObject: object))
        } throws: { error in
            "\(error)".contains("format 1, this build reads format \(ClassifierModel.formatVersion)")
        }
    }

    @Test func learntModelPlacesUnseenTextsAndDistrustsScams() throws {
        let model = try TrainedSamples.model.get()
        let engine = try Fixtures.engine()
        for (text, category) in [("在闲鱼上卖二手童装，选品和发货的经验", "ecommerce"),
                                 ("My experience as a freelancer finding clients on Upwork", "freelance")] {
            #expect(model.predictCategory(text, rules: engine.evaluate(ClassifyInput(text: text)))?.category == category)
        }
        let scam = try #require(model.probabilityOfApproval("零成本躺赚，先交押金领任务，拉人头还有奖励，日入过万"))
        let honest = try #require(model.probabilityOfApproval("作者记录了一年的真实收入和踩过的坑，数据很具体"))
        #expect(scam < 0.5)
        #expect(honest > scam)
        #expect(model.evidence(for: "ecommerce", in: "在闲鱼上卖二手童装，选品和发货的经验").contains { $0.count > 1 })
    }

    @Test(arguments: Learner.allCases)
    func everyLearnerTrainsAndSeparatesTheVerdicts(_ learner: Learner) throws {
        let options = ClassifyOptions(learner: learner, categoryLearner: learner)
        let model = try ClassifierModel.train(examples, options: options)
        let loaded = try ClassifierModel.deserialize(model.serialized())
        func meanApproval(_ approved: Bool) -> Double {
            let probabilities = examples.filter { $0.approved == approved }.prefix(40).compactMap { loaded.probabilityOfApproval($0.text) }
            return probabilities.reduce(0, +) / Double(max(probabilities.count, 1))
        }
        let approvedMean = meanApproval(true)
        let rejectedMean = meanApproval(false)
        #expect(approvedMean > rejectedMean + 0.3)
        #expect(loaded.categories.count == 10)
    }

    @Test func encodedOptionsReadBackUnchanged() throws {
        let options = ClassifyOptions(retrainAfterDecisions: 25, learner: .logistic, ngramSizes: [1, 2, 3],
                                      uncertainBand: [0.3, 0.7], flagPenalties: ["fraud": 1])
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
        for (json, key) in [(#"{"uncertain_band":[0.7,0.3]}"#, "uncertain_band"), (#"{"hash_bits":30}"#, "hash_bits"),
                            (#"{"learner":"svm"}"#, "learner")] {
            #expect {
                try StrictJSON.decode(ClassifyOptions.self, from: Data(json.utf8), file: "p.json")
            } throws: { error in
                (error as? ConfigurationError)?.key == key
            }
        }
    }

    @Test func assignmentsOverrideOptionsAndAreChecked() throws {
        let options = try ClassifyOptions().overriding(["learner=logistic", "ngram_sizes=[1,2]", "regularization=4"], source: "--set")
        #expect(options.learner == .logistic && options.ngramSizes == [1, 2] && options.regularization == 4)
        #expect(throws: ConfigurationError.self) { try ClassifyOptions().overriding(["smoothing=-1"], source: "--set") }
        #expect(throws: ConfigurationError.self) { try ClassifyOptions().overriding(["no_such_option=1"], source: "--set") }
        #expect(throws: ConfigurationError.self) { try ClassifyOptions().overriding(["learner"], source: "--set") }
    }

    @Test func uncertainBandIsClosed() {
        let options = ClassifyOptions(uncertainBand: [0.35, 0.65])
        #expect(options.isUncertain(0.35) && options.isUncertain(0.5) && options.isUncertain(0.65))
        #expect(!options.isUncertain(0.34) && !options.isUncertain(0.66) && !options.isUncertain(nil))
    }
}

@Suite struct LabeledFileTests {
    @Test func textLabelVerdictsBecomeApprovals() throws {
        let path = try Fixtures.temporaryFile(#"{"text":"中奖了，点击领取","label":"spam"}"# + "\n" + #"{"text":"明天见","label":"ham"}"# + "\n",
                                              name: "sms.jsonl")
        let file = try LabeledFile.load(path: path)
        #expect(file.task == .approve)
        #expect(file.examples.map(\.approved) == [false, true])
        #expect(file.examples.allSatisfy { $0.categoryOrigin == .guessed })
    }

    @Test func otherLabelsBecomeTaughtCategoriesAndMapsApply() throws {
        let path = try Fixtures.temporaryFile(#"{"text":"央行降息","label":"finance"}"# + "\n" + #"{"text":"球队夺冠","label":"sports"}"# + "\n",
                                              name: "news.jsonl")
        let file = try LabeledFile.load(path: path)
        #expect(file.task == .category)
        #expect(file.examples.map(\.category) == ["finance", "sports"])
        #expect(file.examples.allSatisfy { $0.approved && $0.categoryOrigin == .taught })
        let mapped = try LabeledFile.load(path: path, task: .approve, labelMap: ["finance": "approve", "sports": "reject"])
        #expect(mapped.examples.map(\.approved) == [true, false])
    }

    @Test func unknownVerdictNamesTheLineAndTheFix() throws {
        let path = try Fixtures.temporaryFile(#"{"text":"a","label":"spam"}"# + "\n" + #"{"text":"b","label":"maybe"}"# + "\n",
                                              name: "odd.jsonl")
        #expect {
            try LabeledFile.load(path: path, task: .approve)
        } throws: { error in
            guard case .unreadableSample(_, let line, let reason) = error as? ClassifyError else { return false }
            return line == 2 && reason.contains("maybe") && reason.contains("--label-map")
        }
    }

    @Test func samplesFormatStillLoads() throws {
        let file = try LabeledFile.load(path: Fixtures.labeledPath)
        #expect(file.task == .both)
        #expect(file.examples == TrainedSamples.examples)
        #expect(throws: ClassifyError.self) { try LabeledFile.load(path: Fixtures.labeledPath, task: .approve) }
    }
}
