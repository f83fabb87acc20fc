import Foundation
import SluiceCore
@testable import SluiceMeasure
@testable import SluiceParse
import SluiceTestSupport
import Synchronization
import Testing

/// Real pages from `../shared/corpus`, each compared with its ground truth.
@Suite(.needsCorpus) struct RealPageTests {
    func load(_ relativePath: String) throws -> (text: String, truth: [String: Any]) {
        let corpus = try #require(SharedCorpus.directory)
        let bytes = try Data(contentsOf: corpus.appendingPathComponent(relativePath + ".html"))
        let truthData = try Data(contentsOf: corpus.appendingPathComponent(relativePath + ".json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [String: Any])
        return (CorpusDecoder.decode(bytes).text, truth)
    }

    @Test func utf8PageDeclaringGB2312ReadsAsUTF8() throws {
        let (text, truth) = try load("magic-html-zh/article-d997d758e164d764")
        let page = try Extractor().extract(html: text, baseURL: nil)
        #expect(page.title == truth["title"] as? String)
        #expect(page.language == "zh")
        #expect(page.mainText.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
    }

    @Test func legacyGBPageGivesItsArticle() throws {
        let (text, truth) = try load("chinese-web-content-extraction/33a95b71-b49b-42c1-9c0a-ab8e3feba3cf")
        let page = try Extractor().extract(html: text, baseURL: truth["url"] as? String)
        #expect(page.title == truth["title"] as? String)
        #expect(page.publishedDate == "2005-03-11")
        let body = try #require(truth["body"] as? String)
        #expect(page.mainText.contains(String(body.prefix(20))))
    }

    @Test func extractionIsRepeatable() throws {
        let (text, truth) = try load("magic-html-zh/article-0d18823b30fc212d")
        let first = try Extractor().extract(html: text, baseURL: truth["url"] as? String)
        let second = try Extractor().extract(html: text, baseURL: truth["url"] as? String)
        #expect(first == second)
        #expect(first.title == truth["title"] as? String)
    }

    @Test func englishArticleWithMetadata() throws {
        let (text, truth) = try load("mozilla-readability/guardian-1")
        let page = try Extractor().extract(html: text, baseURL: nil)
        #expect(page.title == truth["title"] as? String)
        #expect(page.language == "en")
        #expect(page.description == truth["description"] as? String)
        #expect(page.publishedDate == "2019-01-03")
    }
}

/// Extraction on several threads at once: each call owns its libxml2 document, so results match a serial run.
@Suite(.needsCorpus) struct ConcurrentExtractionTests {
    @Test func threadsExtractTheSamePages() throws {
        let corpus = try #require(SharedCorpus.directory)
        let pages = try CorpusPage.all(in: corpus).filter { $0.isScored && $0.truth["body"] is String }.prefix(24).map { page in
            (text: CorpusDecoder.decode(page.bytes).text, url: page.url)
        }
        let extractor = Extractor()
        let serial = pages.map { try? extractor.extract(html: $0.text, baseURL: $0.url) }
        let results = Mutex([Page?](repeating: nil, count: pages.count))
        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            let page = try? extractor.extract(html: pages[index].text, baseURL: pages[index].url)
            results.withLock { $0[index] = page }
        }
        #expect(results.withLock { $0 } == serial)
        #expect(serial.allSatisfy { $0 != nil })
    }
}
