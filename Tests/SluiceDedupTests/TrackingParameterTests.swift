import Foundation
import SluiceDedup
import Testing

/// The parameters that only say who shared a link, and from where, come from `pipelines/url-rules.json`.
@Suite struct TrackingParameterTests {
    @Test(arguments: [
        ("https://twitter.com/jack/status/20?ref_src=twsrc%5Etfw", "https://twitter.com/jack/status/20"),
        ("https://x.com/jack/status/20?ref_src=twsrc%5Egoogle&ref_url=https%3A%2F%2Fa.com%2F", "https://x.com/jack/status/20"),
        ("https://www.instagram.com/p/Cx1/?igshid=MzRlODBiNWFlZA==", "https://www.instagram.com/p/Cx1/"),
        ("https://www.instagram.com/reel/Cx2/?igsh=MWQ1ZGUxMzBkMA==", "https://www.instagram.com/reel/Cx2/"),
        ("https://example.com/a?id=3&gclsrc=aw.ds&wbraid=x&gbraid=y&twclid=z&li_fat_id=w", "https://example.com/a?id=3"),
        ("https://example.com/a?id=3&mkt_tok=abc&_ga=2.1&_gl=1*x&srsltid=AfmB", "https://example.com/a?id=3"),
        ("https://example.com/a?id=3&spm=a2h0c.8166622&scm=1007.12144", "https://example.com/a?id=3"),
        ("https://youtu.be/dQw4w9WgXcQ?si=Ab12Cd34", "https://youtu.be/dQw4w9WgXcQ"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=Ab12&t=42&feature=shared&pp=ygU",
         "https://www.youtube.com/watch?t=42&v=dQw4w9WgXcQ"),
        ("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=1a2b3c", "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"),
    ])
    func sharingParametersAreRemoved(input: String, expected: String) throws {
        #expect(try RulesFixture.key(input) == expected)
    }

    /// `si` only tracks on the sites that use it for sharing; elsewhere it may select content.
    @Test func aSiteOnlyParameterIsKeptElsewhere() throws {
        #expect(try RulesFixture.key("https://example.com/search?si=3") == "https://example.com/search?si=3")
    }

    @Test func theListComesFromTheRulesFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rules.json").path
        try Data(#"""
        {"version": "t1", "tracking_parameters": ["made_up_tracker"],
         "sites": [{"name": "one-site", "hosts": ["a.example"], "tracking_parameters": ["site_only"]}]}
        """#.utf8).write(to: URL(fileURLWithPath: path))
        let canonicalizer = try URLCanonicalizer.load(path: path)
        #expect(try canonicalizer.canonicalize("https://b.example/?made_up_tracker=1&ref_src=2").value
                == "https://b.example/?ref_src=2")
        #expect(try canonicalizer.canonicalize("https://a.example/?site_only=1&k=2").value == "https://a.example/?k=2")
        #expect(try canonicalizer.canonicalize("https://b.example/?site_only=1").value == "https://b.example/?site_only=1")
    }

    @Test func changingTheListBumpsTheVersion() throws {
        let rules = try RulesFixture.canonicalizer().rules
        #expect(rules.version != "2026-11-25.1", "url-rules.json changed: its version must change too")
    }
}
