import Foundation
import Testing
import SluiceCore
import SluicePipeline
import SluiceTestSupport

@Suite struct PipelineDefinitionTests {
    let directory = TemporaryDirectory("definition")

    func load(_ json: String) throws -> PipelineDefinition {
        let path = directory.path("p.json")
        _ = FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        return try PipelineDefinition.load(path: path)
    }

    @Test func theBundledDefaultLoadsWithItsRuleFiles() throws {
        let path = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path
        let definition = try PipelineDefinition.load(path: path)
        #expect(definition.stages.fetch.queueBound == 64)
        _ = try StageEngines(definition: definition, model: nil)
    }

    /// The default keeps sluice polite to every host; the benchmark's file lifts that for its one loopback
    /// server and says so in its comment.
    @Test func theBenchmarkPipelineLiftsPolitenessAndSaysWhy() throws {
        let pipelines = SharedCorpus.packageRoot.appendingPathComponent("pipelines")
        let standard = try PipelineDefinition.load(path: pipelines.appendingPathComponent("default.json").path)
        #expect(standard.fetch.perHostConcurrency == 2)
        #expect(standard.fetch.perHostDelayMilliseconds == 250)
        let bench = try PipelineDefinition.load(path: pipelines.appendingPathComponent("bench.json").path)
        #expect(bench.fetch.perHostDelayMilliseconds == 0)
        #expect(bench.fetch.perHostConcurrency == bench.fetch.concurrency)
        #expect(bench.comment?.contains("loopback") == true || bench.comment?.contains("127.0.0.1") == true)
        _ = try StageEngines(definition: bench, model: nil)
    }

    @Test func absentKeysTakeDefaults() throws {
        let definition = try load(#"{"stages": {"parse": {"workers": 3}}}"#)
        #expect(definition.stages.parse.workers == 3)
        #expect(definition.stages.parse.queueBound == 32)
        #expect(definition.fetch.maxRedirects == 5)
        #expect(definition.search.folders.map(\.path) == [directory.url.standardizedFileURL.path])
    }

    @Test func unknownKeysAreRefusedWithFileAndKey() {
        let path = directory.path("p.json")
        #expect(throws: ConfigurationError(file: path, key: "stages.parse.wrokers", reason: "unknown key")) {
            try load(#"{"stages": {"parse": {"wrokers": 3}}}"#)
        }
        #expect(throws: ConfigurationError(file: path, key: "fetch.max_redirect", reason: "unknown key")) {
            try load(#"{"fetch": {"max_redirect": 3}}"#)
        }
    }

    @Test func badValuesAreRefusedWithFileKeyAndReason() throws {
        do {
            _ = try load(#"{"stages": {"fetch": {"queue_bound": 0}}}"#)
            Issue.record("queue_bound 0 accepted")
        } catch let error as ConfigurationError {
            #expect(error.key == "stages.fetch.queue_bound")
            #expect(error.reason.contains("must be from 1"))
        }
        do {
            _ = try load(#"{"store": {"claim_batch": "many"}}"#)
            Issue.record("a string claim_batch accepted")
        } catch let error as ConfigurationError {
            #expect(error.key == "store.claim_batch")
        }
        #expect(throws: ConfigurationError.self) { try load("{not json") }
    }
}
