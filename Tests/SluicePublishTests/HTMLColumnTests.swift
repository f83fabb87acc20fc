import Foundation
import Testing
import SluiceCore
import SluicePublish
import SluiceTestSupport

/// The HTML column is read back by libxml2's HTML parser (through xmllint): what a browser would build
/// from it must hold no script, no image, no frame and no link but the items' http(s) links.
@Suite("HTML column")
struct HTMLColumnTests {
    @Test func pageIsStandaloneWithCharsetCSPAndCJKTypography() throws {
        let html = try ColumnRenderer.render(Fixtures.sample(), as: .html)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
        #expect(html.contains("\"Noto Sans CJK SC\""))
        #expect(html.contains("line-height: 1.8"))
        for remote in ["<script", "<link", "@import", "url(", "<img", "src="] {
            #expect(!html.contains(remote), "the page must not load \(remote)")
        }
    }

    @Test func sampleStructureAsParsed() throws {
        let column = Fixtures.sample()
        let html = try ColumnRenderer.render(column, as: .html)
        guard XMLLint.tool != nil else { print(XMLLint.missing); return }
        #expect(try XMLLint.xpath("count(//article)", in: html, html: true) == "\(column.items.count)")
        #expect(try XMLLint.xpath("count(//a[@rel='noopener noreferrer nofollow'])", in: html, html: true)
                == "\(column.items.count)")
        #expect(try XMLLint.xpath("string(//article[@id='item-13']//p[@class='risk'])", in: html, html: true)
                == "风险提示：夸大宣传「躺赚」；收益承诺「一周躺赚五千」")
        #expect(try XMLLint.xpath("string(//article[@id='item-13']//p[@class='source'])", in: html, html: true)
                == "原文已删除：source deleted on 2026-11-23; evidence captured on 2026-11-04")
        #expect(try XMLLint.xpath("count(//article[@id='item-11']/p[@class='summary'])", in: html, html: true) == "2")
        #expect(try XMLLint.xpath("count(//section[@class='roll']//li)", in: html, html: true) == "\(column.roll.count)")
        let figures = Fixtures.sampleFigures
        #expect(try XMLLint.xpath("string(//section[@class='figures']//div[1]/dd)", in: html, html: true)
                == "\(figures.submissions)")
        #expect(try XMLLint.xpath("string(//section[@class='figures']//div[5]/dd)", in: html, html: true)
                == "\(figures.duplicatesMerged)")
    }

    @Test func hostileTextStaysTextAndOnlyHTTPLinksRemain() throws {
        let column = Fixtures.hostile()
        let html = try ColumnRenderer.render(column, as: .html)
        #expect(!html.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{1B}" || $0 == "\u{0}" || $0 == "\u{200B}" })
        guard XMLLint.tool != nil else { print(XMLLint.missing); return }
        for element in ["script", "img", "iframe", "b", "i"] {
            #expect(try XMLLint.xpath("count(//\(element))", in: html, html: true) == "0", "\(element) from data")
        }
        #expect(try XMLLint.xpath("count(//h1)", in: html, html: true) == "1")
        #expect(try XMLLint.xpath("count(//style)", in: html, html: true) == "1")
        #expect(try XMLLint.xpath("count(//a)", in: html, html: true) == "\(Fixtures.linkedCount(column))")
        #expect(try XMLLint.xpath("count(//a[not(starts-with(@href, 'https://'))])", in: html, html: true) == "0")
        #expect(try XMLLint.xpath("count(//@*[starts-with(name(), 'on')])", in: html, html: true) == "0")
        for (index, title) in Fixtures.hostileTitles.enumerated() {
            let parsed = try XMLLint.xpath("string(//article[@id='item-\(100 + index)']/h3)", in: html, html: true)
            #expect(parsed == Escape.line(title), "title \(index) reads back as its own text")
        }
        #expect(try XMLLint.xpath("string(//article[@id='item-202']//a/@href)", in: html, html: true)
                == "https://ok.example/%E8%B7%AF%E5%BE%84?a=1&b=%3Cx%3E%22y%22%28%27z%27%29")
        #expect(try XMLLint.xpath("string(//article[@id='item-200']/p[@class='note'])", in: html, html: true)
                == "（链接已省略：不是 http(s) 地址）")
    }

    @Test func emptyMonthIsAValidPageWithoutArticles() throws {
        let html = try ColumnRenderer.render(Fixtures.empty(), as: .html)
        #expect(html.contains("<p class=\"empty\">本月没有发布的条目。No items were published this month.</p>"))
        guard XMLLint.tool != nil else { print(XMLLint.missing); return }
        #expect(try XMLLint.xpath("count(//article)", in: html, html: true) == "0")
        #expect(try XMLLint.xpath("count(//section[@class='roll'])", in: html, html: true) == "0")
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func corpusTitlesReadBackUnchanged() throws {
        let column = try Fixtures.corpusColumn(#require(SharedCorpus.directory))
        let html = try ColumnRenderer.render(column, as: .html)
        guard XMLLint.tool != nil else { print(XMLLint.missing); return }
        #expect(try XMLLint.xpath("count(//article)", in: html, html: true) == "\(column.items.count)")
        for item in column.items.prefix(8) {
            #expect(try XMLLint.xpath("string(//article[@id='item-\(item.id)']/h3)", in: html, html: true)
                    == Escape.line(item.title))
        }
    }
}
