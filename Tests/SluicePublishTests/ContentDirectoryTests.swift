import Foundation
import Testing
import SluiceCore
import SluicePublish

@Suite("Content directory")
struct ContentDirectoryTests {
    private let item = Fixtures.sampleItems[2]

    private func files(under root: URL) -> [String] {
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return paths.filter { !FileManager.default.isDirectoryPath(root.appendingPathComponent($0).path) }.sorted()
    }

    @Test func writesOneFileNamedByMonthAndID() throws {
        let scratch = try TemporaryDirectory()
        let content = ContentDirectory(root: scratch.url)
        let path = try content.write(item, slug: "一周躺赚五千-拆解", month: "2026-11", evidenceText: "证据正文。\n\n第二段。")
        #expect(path == "2026-11/\(item.id).md")
        #expect(files(under: scratch.url) == [path])
        let text = try String(contentsOf: scratch.url.appendingPathComponent(path), encoding: .utf8)
        #expect(text.hasPrefix("---\ntitle: \"一周躺赚五千？拆解某返利群的真实收益\"\ndate: 2026-11-06T02:00:00Z\n"
                                + "slug: \"一周躺赚五千-拆解\"\ncategories:\n  - \"affiliate\"\ntags:\n  - \"夸大宣传\"\n  - \"收益承诺\"\n"
                                + "sluice:\n  id: \(item.id)\n"))
        #expect(text.contains("\n## 存档证据 Evidence\n"))
        #expect(text.contains(Escape.markdown("SHA-256 \(item.evidenceSHA256 ?? "")")))
        #expect(text.contains("\n证据正文。\n\n第二段。\n"))
    }

    @Test func publishingTwiceLeavesTheFileUntouched() throws {
        let scratch = try TemporaryDirectory()
        let content = ContentDirectory(root: scratch.url)
        let path = try content.write(item, slug: "a", month: "2026-11", evidenceText: nil)
        let file = scratch.url.appendingPathComponent(path)
        let before = try FileManager.default.attributesOfItem(atPath: file.path)
        let again = try content.write(item, slug: "a", month: "2026-11", evidenceText: nil)
        let after = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect(again == path)
        #expect(before[.systemFileNumber] as? Int == after[.systemFileNumber] as? Int, "not rewritten")
        var changed = item
        changed.title = "改过的标题"
        _ = try content.write(changed, slug: "a", month: "2026-11", evidenceText: nil)
        let replaced = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect(before[.systemFileNumber] as? Int != replaced[.systemFileNumber] as? Int, "replaced by rename")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("title: \"改过的标题\""))
        #expect(files(under: scratch.url) == [path], "no temporary file is left behind")
    }

    @Test func unpublishRemovesTheFileAndIsIdempotent() throws {
        let scratch = try TemporaryDirectory()
        let content = ContentDirectory(root: scratch.url)
        let path = try content.write(item, slug: "a", month: "2026-11", evidenceText: nil)
        try content.remove(relativePath: path)
        #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(path).path))
        try content.remove(relativePath: path)
        #expect(files(under: scratch.url).isEmpty)
    }

    @Test(arguments: ["../2026-11/1.md", "/etc/passwd", "2026-11/../../x.md", "2026-13/1.md", "2026-11/-1.md",
                      "2026-11/01.md", "2026-11/1.md/..", "2026-11/1.txt", "2026-11//1.md", ""])
    func removeRefusesPathsItDidNotWrite(path: String) throws {
        let scratch = try TemporaryDirectory()
        #expect(throws: ContentDirectoryError.self) { try ContentDirectory(root: scratch.url).remove(relativePath: path) }
    }

    @Test func badMonthsAndSlugsAreRefusedWithTheirReason() throws {
        let scratch = try TemporaryDirectory()
        let content = ContentDirectory(root: scratch.url)
        for month in ["2026-1", "2026-00", "26-11-01", "../../x", "2026-11\n"] {
            #expect(throws: ContentDirectoryError.self) { try content.write(item, slug: "a", month: month, evidenceText: nil) }
        }
        do {
            _ = try content.write(item, slug: "../x", month: "2026-11", evidenceText: nil)
            Issue.record("a slug with a path separator was accepted")
        } catch let error as ContentDirectoryError {
            #expect(error.description.contains("slug"))
        }
        #expect(files(under: scratch.url).isEmpty)
    }

    @Test func unwritableRootIsAnErrorNamingThePath() throws {
        let scratch = try TemporaryDirectory()
        let blocker = scratch.url.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let content = ContentDirectory(root: blocker)
        #expect {
            try content.write(item, slug: "a", month: "2026-11", evidenceText: nil)
        } throws: { error in
            (error as? ContentDirectoryError)?.path.hasPrefix(blocker.path) == true
        }
    }

    /// The front matter of hostile items is read back by PyYAML (a real YAML parser), field by field.
    @Test func frontMatterOfHostileItemsReadsBackExactly() throws {
        guard let python = Tool.find("python3") else { print("python3 is not installed: skipping the YAML check"); return }
        let probe = try Tool.run(python, arguments: ["-c", "import yaml"], input: Data())
        guard probe.status == 0 else { print("PyYAML is not installed (apt-get install python3-yaml): skipping"); return }
        let scratch = try TemporaryDirectory()
        let content = ContentDirectory(root: scratch.url)
        let hostile = Fixtures.hostile().items
        var taken = Set<String>()
        var paths: [String] = []
        for item in hostile {
            let slug = Slug.make(title: item.title, id: item.id, taken: taken)
            taken.insert(slug)
            paths.append(try content.write(item, slug: slug, month: "2026-11", evidenceText: item.summary))
        }
        let script = """
        import sys, json, yaml
        fronts = []
        for path in sys.argv[1:]:
            text = open(path, encoding="utf-8").read()
            assert text.startswith("---\\n")
            fronts.append(yaml.safe_load(text.split("\\n---\\n", 1)[0][4:]))
        print(json.dumps(fronts, default=str, ensure_ascii=False))
        """
        let output = try Tool.run(python, arguments: ["-c", script] + paths.map { scratch.url.appendingPathComponent($0).path },
                                  input: Data())
        #expect(output.status == 0, "\(output.stderr)")
        let fronts = try #require(JSONSerialization.jsonObject(with: output.stdout) as? [[String: Any]])
        #expect(fronts.count == hostile.count)
        for (item, top) in zip(hostile, fronts) {
            #expect(top["slug"] as? String == Slug.make(title: item.title, id: item.id, taken: []))
            #expect(top["title"] as? String == Escape.line(item.title))
            #expect(top["categories"] as? [String] == [item.category])
            #expect(top["tags"] as? [String] == (item.flags.isEmpty ? [] : ["疑似诈骗"]))
            let reserved = ["url", "id", "category", "kind", "type", "layout", "permalink", "published", "draft", "aliases"]
            #expect(Set(top.keys).isDisjoint(with: reserved), "keys Hugo or Jekyll reserve: \(top.keys.sorted())")
            let front = try #require(top["sluice"] as? [String: Any])
            #expect(front["id"] as? Int == Int(item.id))
            #expect(front["submitted_url"] as? String == Escape.httpURL(item.url))
            #expect(front["canonical_url"] as? String == Escape.httpURL(item.canonicalURL))
            #expect(front["site"] as? String == item.site.map(Escape.line))
            #expect(front["category"] as? String == item.category)
            #expect(front["volunteers"] as? [String] == item.volunteers.map(Escape.line))
            #expect((front["flags"] as? [[String: String]])?.map { $0["matched"] } == item.flags.map { Escape.line($0.matched) })
            #expect(front["month"] as? String == "2026-11")
            #expect(front["evidence_sha256"] as? String == item.evidenceSHA256)
        }
        #expect(files(under: scratch.url).count == hostile.count)
    }
}

extension FileManager {
    func isDirectoryPath(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

@Suite("Atomic file")
struct AtomicFileTests {
    @Test func replacesContentsAndLeavesNoTemporaryFile() throws {
        let scratch = try TemporaryDirectory()
        let file = scratch.url.appendingPathComponent("out/column-2026-11.html")
        try AtomicFile.write(Data("旧".utf8), to: file)
        try AtomicFile.write(Data("新的内容".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "新的内容")
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["column-2026-11.html"])
    }

    @Test func aDirectoryInTheWayIsAnErrorNamingThePath() throws {
        let scratch = try TemporaryDirectory()
        let target = scratch.url.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("child"), withIntermediateDirectories: true)
        do {
            try AtomicFile.write(Data("x".utf8), to: target)
            Issue.record("renaming over a non-empty directory succeeded")
        } catch let error as ContentDirectoryError {
            #expect(error.path == target.path)
            #expect(!error.reason.isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["taken"])
    }
}
