import Foundation
import Testing
import SluiceCore

/// `sluice export` for a community site: the feeds take their address from the pipeline file's `site`
/// section or `--base-url`, refuse to be written without one, and every format shows the article's own
/// date (read from the page by the parse stage) beside the day the column took the item in.
@Suite("Export for a site")
struct ExportSiteTests {
    @Test func feedsNeedABaseURLFromThePipelineFileOrTheCommandLine() throws {
        let world = try PublishWorld()
        let date = "<p class=\"meta\">发布时间：2026-10-28 09:30</p>"
        world.serve("/a", try .html(PublishWorld.article("闲鱼卖书的复盘", "按斤收书按本卖", extra: date)))
        let id = try world.submit("/a", by: "小明")
        world.run()
        world.approve([id])
        _ = try world.publish()
        let pipeline = world.directory.path("site.json")
        try Data(#"{"site": {"base_url": "https://bbs.example/sluice", "title": "副业情报社"}}"#.utf8)
            .write(to: URL(fileURLWithPath: pipeline))

        let bareFile = try bare(world)
        for format in ["atom", "json"] {
            let missing = world.sluice(["export", "--month", world.month, "--format", format,
                                        "--pipeline", world.directory.path("none.json")], expect: 2)
            #expect(missing.errors.contains("none.json"), "a named pipeline file that is missing is an environment error")
            let bare = world.sluice(["export", "--month", world.month, "--format", format, "--pipeline", bareFile],
                                    expect: 1)
            #expect(bare.errors.contains("needs the address it is served from"), "\(bare.errors)")
            #expect(bare.output.isEmpty)
        }
        let atom = world.sluice(["export", "--month", world.month, "--format", "atom", "--pipeline", pipeline]).output
        #expect(atom.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://bbs.example/sluice/column-\(world.month).atom\"/>"))
        #expect(atom.contains("<id>tag:bbs.example,\(world.month):/sluice/item/\(id)</id>"))
        #expect(atom.contains("<author><name>副业情报社</name></author>"))
        let override = world.sluice(["export", "--month", world.month, "--format", "json", "--pipeline", pipeline,
                                     "--base-url", "https://other.example/"]).output
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(override.utf8)) as? [String: Any])
        #expect(feed["feed_url"] as? String == "https://other.example/column-\(world.month).json")
        let item = try #require((feed["items"] as? [[String: Any]])?.first)
        #expect((item["_sluice"] as? [String: Any])?["article_date"] as? String == "2026-10-28")
        world.sluice(["export", "--month", world.month, "--format", "json", "--base-url", "ftp://x.example/"], expect: 2)

        let markdown = world.export("md")
        #expect(markdown.contains("原文发表于 2026-10-28 · 收录于 "))
        let file = try #require(world.contentFile(id))
        #expect(file.contains("\n  article_date: \"2026-10-28\"\n"))
    }

    /// A pipeline file without a `site` section.
    private func bare(_ world: PublishWorld) throws -> String {
        let path = world.directory.path("bare.json")
        try Data(#"{"name": "bare"}"#.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
