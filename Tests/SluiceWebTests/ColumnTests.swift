import Foundation
import Testing
import SluiceApp
import SluiceCore
import SluicePublish
import SluiceWeb

/// The published column on the web: the bytes of the export, validators, feeds and the member token.
@Suite struct ColumnTests {
    @Test func theColumnPageIsTheExportsHTMLWithValidators() throws {
        let web = try WebFixture()
        let month = try web.publish(try web.knownStory("https://www.36kr.com/p/4100", by: "小明"))
        let page = try web.get("/column/\(month)")
        #expect(page.status == 200)
        var column = try PublishingService(store: web.store).column(month: month)
        column.site = SiteOptions()
        #expect(page.text == (try ColumnRenderer.render(column, as: .html)), "the same HTML as sluice export")
        #expect(page.text.contains("闲鱼卖书的复盘"))
        let policy = try #require(page.header("Content-Security-Policy"))
        #expect(policy.hasPrefix("default-src 'self'; style-src 'sha256-"))
        let style = try #require(page.text.components(separatedBy: "<style>").last?.components(separatedBy: "</style>").first)
        #expect(policy.contains(Data(SHA256.digest(Data(style.utf8))).base64EncodedString()), "the inline style is allowed by its hash")
        let etag = try #require(page.header("ETag"))
        let modified = try #require(page.header("Last-Modified"))
        #expect(modified.hasSuffix(" GMT"))
        let cached = try web.get("/column/\(month)", headers: [("If-None-Match", etag)])
        #expect(cached.status == 304 && cached.body.isEmpty)
        #expect(try web.get("/column/\(month)", headers: [("If-Modified-Since", modified)]).status == 304)
        #expect(try web.get("/column/\(month)", headers: [("If-None-Match", "\"other\"")]).status == 200)
        #expect(try web.get("/column-\(month).html").text == page.text)
        let newest = try web.get("/column")
        #expect(newest.status == 302 && newest.header("Location") == "/column/\(month)")
        #expect(try web.get("/column/2026-13").status == 404)
        #expect(try web.get("/column/../etc").status == 404)
    }

    @Test func feedsNeedTheSiteAddressAndThenServeTheNewestColumn() throws {
        let withoutSite = try WebFixture()
        let missing = try withoutSite.get("/feed.atom")
        #expect(missing.status == 404 && missing.text.contains("--base-url"))

        let web = try WebFixture { $0.site = SiteOptions(baseURL: "https://bbs.example/sluice/", title: "副业社区") }
        let month = try web.publish(try web.knownStory("https://www.36kr.com/p/4200"))
        let atom = try web.get("/feed.atom")
        #expect(atom.status == 200 && atom.header("Content-Type") == "application/atom+xml; charset=utf-8")
        #expect(atom.text.contains("https://bbs.example/sluice/column-\(month).atom"))
        #expect(atom.header("ETag") != nil && atom.header("Last-Modified") != nil)
        let feed = try web.get("/feed.json")
        #expect(feed.header("Content-Type") == "application/feed+json; charset=utf-8")
        let json = try #require(feed.json)
        #expect((json["items"] as? [[String: Any]])?.count == 1)
        #expect(try web.get("/column-\(month).atom").text == atom.text)
    }

    @Test func aMemberTokenGuardsTheColumnWhenConfigured() throws {
        let member = "member-token-of-the-community"
        let web = try WebFixture { $0.memberTokenSHA256 = Secrets.hash(member) }
        let month = try web.publish(try web.knownStory("https://www.36kr.com/p/4300"))
        let refused = try web.get("/column/\(month)")
        #expect(refused.status == 401 && refused.header("WWW-Authenticate") != nil)
        #expect(try web.get("/column/\(month)", headers: [("Authorization", "Bearer wrong-token-wrong-token")]).status == 401)
        let bearer = try web.get("/column/\(month)", headers: [("Authorization", "Bearer \(member)")])
        #expect(bearer.status == 200 && bearer.header("Cache-Control") == "private, no-cache")
        #expect(try web.get("/column/\(month)?member=\(member)").status == 200)
        #expect(try web.get("/feed.json?member=\(member)").status == 404, "feeds still need the site address")
    }
}
