import Foundation
import Testing
import SluicePublish

/// The content directory is what a community site builds from: its files must build as they are in Hugo
/// and Jekyll. Each test makes a minimal site of its own (config and layouts that print the title and
/// sluice's fields), runs the real generator over content written by `ContentDirectory`, and reads the pages
/// back with xmllint's HTML parser.
@Suite("Static site generators")
struct StaticSiteTests {
    /// The sample and hostile items, written as `sluice publish` writes them, and the Markdown column.
    private static func publish(into content: URL) throws -> [(item: ColumnItem, slug: String, path: String)] {
        let directory = ContentDirectory(root: content)
        var taken = Set<String>()
        var written: [(item: ColumnItem, slug: String, path: String)] = []
        for item in Fixtures.sampleItems + Fixtures.hostile().items {
            let slug = Slug.make(title: item.title, id: item.id, taken: taken)
            taken.insert(slug)
            let path = try directory.write(item, slug: slug, month: "2026-11", evidenceText: item.summary)
            written.append((item, slug, path))
        }
        return written
    }

    private static let page = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>{{ TITLE }}</title></head>
        <body><h1 id="title">{{ TITLE }}</h1><p id="sluice-id">{{ ID }}</p><p id="link">{{ LINK }}</p>
        <div id="body">{{ CONTENT }}</div></body></html>
        """

    private func run(_ tool: URL, _ arguments: [String], in directory: URL) throws -> Tool.Output {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Tool.Output(status: process.terminationStatus, stdout: bytes, stderr: String(decoding: bytes, as: UTF8.self))
    }

    /// Every built page of an item: the id it prints, the title and link as an HTML parser reads them, and
    /// whether its body holds markup no item may produce.
    private func checkPages(_ pages: [URL], against written: [(item: ColumnItem, slug: String, path: String)]) throws {
        var seen = Set<Int64>()
        for page in pages {
            let html = try String(contentsOf: page, encoding: .utf8)
            guard let id = Int64(try XMLLint.xpath("string(//p[@id='sluice-id'])", in: html, html: true)),
                  let entry = written.first(where: { $0.item.id == id }) else { continue }
            seen.insert(id)
            #expect(try XMLLint.xpath("string(//h1[@id='title'])", in: html, html: true) == Escape.line(ColumnWordingProbe.entryTitle(entry.item)),
                    "\(page.path)")
            #expect(try XMLLint.xpath("string(//p[@id='link'])", in: html, html: true) == Escape.httpURL(entry.item.canonicalURL) ?? "")
            let body = try XMLLint.xpath("count(//div[@id='body']//*[self::script or self::img or self::iframe or self::b or self::em or self::strong])",
                                         in: html, html: true)
            #expect(body == "0", "markup from data in \(page.path)")
            #expect(try XMLLint.xpath("count(//div[@id='body']//a)", in: html, html: true) == "0", "a link in the body of \(page.path)")
        }
        #expect(seen == Set(written.map(\.item.id)), "every item has its page")
    }

    @Test func hugoBuildsEveryItemAndTheColumn() throws {
        guard let hugo = Tool.find("hugo") else {
            print("hugo is not installed (apt-get install hugo; scripts/setup.sh --test installs it): skipping the Hugo build")
            return
        }
        guard XMLLint.tool != nil else { print(XMLLint.missing); return }
        let site = try TemporaryDirectory()
        let content = site.url.appendingPathComponent("content")
        let written = try Self.publish(into: content)
        try Data(ColumnRenderer.render(Fixtures.sample(), as: .md).utf8).write(to: content.appendingPathComponent("column-2026-11.md"))
        try Data("""
            baseURL = "https://community.example/"
            languageCode = "zh-cn"
            hasCJKLanguage = true
            disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]

            """.utf8).write(to: site.url.appendingPathComponent("config.toml"))
        let layouts = site.url.appendingPathComponent("layouts/_default")
        try FileManager.default.createDirectory(at: layouts, withIntermediateDirectories: true)
        let single = Self.page.replacingOccurrences(of: "{{ TITLE }}", with: "{{ .Title }}")
            .replacingOccurrences(of: "{{ ID }}", with: "{{ with .Params.sluice }}{{ .id }}{{ end }}")
            .replacingOccurrences(of: "{{ LINK }}", with: "{{ with .Params.sluice }}{{ .canonical_url }}{{ end }}")
            .replacingOccurrences(of: "{{ CONTENT }}", with: "{{ .Content }}")
        try Data(single.utf8).write(to: layouts.appendingPathComponent("single.html"))
        try Data("<ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>".utf8).write(to: layouts.appendingPathComponent("list.html"))
        let build = try run(hugo, ["--quiet"], in: site.url)
        try #require(build.status == 0, "hugo failed: \(build.stderr)")
        #expect(!build.stderr.contains("WARN"), "\(build.stderr)")
        for entry in written {
            let page = site.url.appendingPathComponent("public/2026-11/\(entry.slug)/index.html")
            #expect(FileManager.default.fileExists(atPath: page.path), "no page at the item's slug: \(page.path)")
        }
        try checkPages(written.map { site.url.appendingPathComponent("public/2026-11/\($0.slug)/index.html") }, against: written)
        let terms = site.url.appendingPathComponent("public/categories/affiliate/index.html")
        #expect(FileManager.default.fileExists(atPath: terms.path), "categories is Hugo's taxonomy")
        let column = try String(contentsOf: site.url.appendingPathComponent("public/column-2026-11/index.html"), encoding: .utf8)
        #expect(try XMLLint.xpath("count(//div[@id='body']//h3/a[starts-with(@href, 'https://')])", in: column, html: true)
                == "\(Fixtures.sampleItems.count)")
    }

    @Test func jekyllBuildsEveryItem() throws {
        guard let jekyll = Tool.find("jekyll") else {
            print("jekyll is not installed (apt-get install jekyll; scripts/setup.sh --test installs it): skipping the Jekyll build")
            return
        }
        guard XMLLint.tool != nil else { print(XMLLint.missing); return }
        let site = try TemporaryDirectory()
        let source = site.url.appendingPathComponent("source")
        let written = try Self.publish(into: source)
        try Data("""
            title: 副业情报社
            defaults:
              - scope: { path: "" }
                values: { layout: item }

            """.utf8).write(to: source.appendingPathComponent("_config.yml"))
        let layouts = source.appendingPathComponent("_layouts")
        try FileManager.default.createDirectory(at: layouts, withIntermediateDirectories: true)
        let item = Self.page.replacingOccurrences(of: "{{ TITLE }}", with: "{{ page.title | escape }}")
            .replacingOccurrences(of: "{{ ID }}", with: "{{ page.sluice.id }}")
            .replacingOccurrences(of: "{{ LINK }}", with: "{{ page.sluice.canonical_url | escape }}")
            .replacingOccurrences(of: "{{ CONTENT }}", with: "{{ content }}")
        try Data(item.utf8).write(to: layouts.appendingPathComponent("item.html"))
        let build = try run(jekyll, ["build", "--safe", "--quiet", "--source", source.path,
                                     "--destination", site.url.appendingPathComponent("site").path], in: site.url)
        try #require(build.status == 0, "jekyll failed: \(build.stderr)")
        let pages = written.map { site.url.appendingPathComponent("site/2026-11/\($0.item.id).html") }
        for page in pages { #expect(FileManager.default.fileExists(atPath: page.path), "no page \(page.path)") }
        try checkPages(pages, against: written)
    }
}
