import Foundation
import Testing
import SluiceCore
import SluicePublish

/// The feeds state where they live and carry ids of their own site, all from `site.base_url`; feedparser
/// (the parser most feed readers and aggregators in Python use) reads them without complaint; the article's
/// own date appears beside the column's in every format.
@Suite("Feed addresses and article dates")
struct FeedAddressTests {
    @Test func atomLinksToItselfAndToTheHTMLColumn() throws {
        let feed = try ColumnRenderer.render(Fixtures.sample(), as: .atom)
        guard XMLLint.tool != nil else { print(XMLLint.missing); return }
        let link = "/*/*[local-name()='link']"
        #expect(try XMLLint.xpath("string(\(link)[@rel='self']/@href)", in: feed)
                == "https://community.example/column/column-2026-11.atom")
        #expect(try XMLLint.xpath("string(\(link)[@rel='self']/@type)", in: feed) == "application/atom+xml")
        #expect(try XMLLint.xpath("string(\(link)[@rel='alternate']/@href)", in: feed)
                == "https://community.example/column/column-2026-11.html")
        #expect(try XMLLint.xpath("string(/*/*[local-name()='id'])", in: feed) == "tag:community.example,2026-11:/column/column")
        #expect(try XMLLint.xpath("string(/*/*[local-name()='author']/*[local-name()='name'])", in: feed) == "副业情报社")
    }

    @Test func idsDifferBetweenTwoSitesAndStayPutBetweenRenders() throws {
        var other = Fixtures.sample()
        other.site = SiteOptions(baseURL: "https://another.example/")
        let ours = try ids(try ColumnRenderer.render(Fixtures.sample(), as: .json))
        let theirs = try ids(try ColumnRenderer.render(other, as: .json))
        #expect(ours == (try ids(try ColumnRenderer.render(Fixtures.sample(), as: .json))))
        #expect(Set(ours).isDisjoint(with: theirs))
        #expect(theirs.allSatisfy { $0.hasPrefix("tag:another.example,2026-11:/item/") })
    }

    @Test func jsonFeedNamesItsHomePageAndItself() throws {
        let feed = try #require(JSONSerialization.jsonObject(with: Data(try ColumnRenderer.render(Fixtures.sample(), as: .json).utf8))
                                as? [String: Any])
        #expect(feed["home_page_url"] as? String == "https://community.example/column/column-2026-11.html")
        #expect(feed["feed_url"] as? String == "https://community.example/column/column-2026-11.json")
        #expect((feed["authors"] as? [[String: String]])?.first?["name"] == "副业情报社")
    }

    @Test(arguments: [ColumnFormat.atom, .json])
    func feedsWithoutABaseURLAreRefusedWithTheReason(format: ColumnFormat) throws {
        var column = Fixtures.sample()
        column.site = SiteOptions()
        #expect(throws: ColumnRenderError.needsBaseURL(format)) { try ColumnRenderer.render(column, as: format) }
        #expect(ColumnRenderError.needsBaseURL(format).description.contains("site.base_url"))
        #expect(try !ColumnRenderer.render(column, as: .md).isEmpty, "Markdown and HTML need no address")
        #expect(try !ColumnRenderer.render(column, as: .html).isEmpty)
    }

    @Test func baseURLsAreCheckedAndGetATrailingSlash() throws {
        #expect(try SiteOptions.checkedBaseURL("HTTPS://community.example/column") == "https://community.example/column/")
        #expect(try SiteOptions.checkedBaseURL("http://community.example") == "http://community.example/")
        // As the one URL parser reads them: an IDN host as its A-label, a space percent-encoded.
        #expect(try SiteOptions.checkedBaseURL("https://社区.example/") == HTTPURL("https://社区.example/").href)
        #expect(try SiteOptions.checkedBaseURL("https://community.example/a b") == "https://community.example/a%20b/")
        let refused: [(String, String)] = [
            ("community.example/column", "absolute"), ("ftp://community.example/", "absolute"),
            ("javascript:alert(1)", "absolute"), ("https://", "absolute"),
            ("https://user:pw@community.example/", "absolute"), ("https://community.example/?a=1", "query"),
            ("https://community.example/#top", "fragment"),
        ]
        for (url, reason) in refused {
            do {
                _ = try SiteOptions.checkedBaseURL(url)
                Issue.record("\(url) accepted as a base URL")
            } catch {
                #expect(error.description.contains(reason), "\(url): \(error.description)")
            }
        }
    }

    @Test func theSiteSectionIsDecodedStrictly() throws {
        let good = try StrictJSON.decode(SiteOptions.self, from: Data(#"{"base_url": "https://a.example/x", "title": "社区"}"#.utf8),
                                         file: "site.json")
        #expect(good == SiteOptions(baseURL: "https://a.example/x/", title: "社区"))
        #expect(throws: ConfigurationError.self) {
            try StrictJSON.decode(SiteOptions.self, from: Data(#"{"base_url": "https://a.example/", "baseurl": "x"}"#.utf8), file: "site.json")
        }
        do {
            _ = try StrictJSON.decode(SiteOptions.self, from: Data(#"{"base_url": "ftp://a.example/"}"#.utf8), file: "site.json")
            Issue.record("an ftp base URL was accepted")
        } catch let error as ConfigurationError {
            #expect(error.key == "base_url")
            #expect(error.description.hasPrefix("site.json: base_url: "))
        }
    }

    /// feedparser sets `bozo` for any feed it had to repair or could not read as its format. (feedparser
    /// 6.0 reads no JSON Feed; the JSON Feed tests check its 1.1 fields with Foundation's parser.)
    @Test func feedparserReadsTheAtomFeedCleanly() throws {
        for column in [Fixtures.sample(), Fixtures.hostile(), Fixtures.empty()] {
            let feed = try ColumnRenderer.render(column, as: .atom)
            guard let parsed = try FeedParser.parse(feed) else { return }
            #expect(parsed["bozo"] as? Bool == false, "\(parsed["bozo_exception"] ?? "")")
            #expect(parsed["version"] as? String == "atom10")
            let entries = try #require(parsed["entries"] as? [[String: Any]])
            #expect(entries.count == column.items.count)
            #expect(Set(entries.compactMap { $0["id"] as? String }).count == column.items.count, "unique ids")
            for entry in entries {
                let id = try #require(entry["id"] as? String)
                let item = try #require(column.items.first { Fixtures.entryID($0.id, month: column.month) == id })
                #expect(entry["title"] as? String == Escape.line(ColumnWordingProbe.entryTitle(item)))
            }
            #expect(parsed["self"] as? String == column.site.url(month: column.month, format: .atom))
            #expect(parsed["link"] as? String == column.site.url(month: column.month, format: .html))
        }
    }

    @Test func articleDateStandsBesideTheColumnDateInEveryFormat() throws {
        let column = Fixtures.sample()
        let markdown = try ColumnRenderer.render(column, as: .md)
        #expect(markdown.contains("\nmp.weixin.qq.com · 原文发表于 2026-10-30 · 收录于 2026-11-06\n"))
        #expect(markdown.contains("\nsohu.com · 收录于 2026-11-05\n"), "2026-02-30 is no day: not shown")
        let html = try ColumnRenderer.render(column, as: .html)
        #expect(html.contains("mp.weixin.qq.com · 原文发表于 2026-10-30 · 收录于 2026-11-06"))
        let atom = try ColumnRenderer.render(column, as: .atom)
        #expect(atom.contains("原文发表于 2026-10-30 · 收录于 2026-11-06"))
        let feed = try #require(JSONSerialization.jsonObject(with: Data(try ColumnRenderer.render(column, as: .json).utf8))
                                as? [String: Any])
        let items = try #require(feed["items"] as? [[String: Any]])
        let weixin = try #require(items.first { $0["id"] as? String == Fixtures.entryID(13) })
        #expect(weixin["date_published"] as? String == "2026-11-06T02:00:00Z", "the day the column took it in")
        #expect((weixin["_sluice"] as? [String: Any])?["article_date"] as? String == "2026-10-30")
        let sohu = try #require(items.first { $0["id"] as? String == Fixtures.entryID(14) })
        #expect((sohu["_sluice"] as? [String: Any])?["article_date"] == nil)
    }

    private func ids(_ json: String) throws -> [String] {
        let feed = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(feed["items"] as? [[String: Any]]).compactMap { $0["id"] as? String }
    }
}

/// The entry title as the feeds write it, restated here from the rules in docs/column-format.md.
enum ColumnWordingProbe {
    static func entryTitle(_ item: ColumnItem) -> String {
        guard item.isNote else { return item.title }
        let title = Escape.line(item.title)
        if !title.isEmpty { return "志愿者笔记：" + title }
        let note = Escape.line(item.summary ?? "")
        let opening = TextCleaning.truncate(note, to: 30)
        return "志愿者笔记：" + opening + (opening.count < note.count ? "…" : "")
    }
}

/// Python's feedparser; nil (with a printed reason) where python3 or the module is missing.
enum FeedParser {
    static func parse(_ feed: String) throws -> [String: Any]? {
        guard let python = Tool.find("python3") else {
            print("python3 is not installed: skipping the feedparser check")
            return nil
        }
        let script = """
        import sys, json
        try:
            import feedparser
        except ImportError:
            sys.exit(3)
        parsed = feedparser.parse(sys.stdin.buffer.read(), response_headers={"content-type": "application/atom+xml"})
        links = parsed.feed.get("links", [])
        print(json.dumps({
            "bozo": bool(parsed.bozo), "bozo_exception": str(parsed.get("bozo_exception", "")),
            "version": parsed.version, "link": parsed.feed.get("link"),
            "self": next((l["href"] for l in links if l.get("rel") == "self"), None),
            "entries": [{"id": e.get("id"), "title": e.get("title")} for e in parsed.entries],
        }, ensure_ascii=False))
        """
        let output = try Tool.run(python, arguments: ["-c", script], input: Data(feed.utf8))
        if output.status == 3 {
            print("Python's feedparser is not installed (pip install feedparser): skipping the feedparser check")
            return nil
        }
        #expect(output.status == 0, "feedparser: \(output.stderr)")
        return try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any]
    }
}
