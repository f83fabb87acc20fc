import Foundation
import Testing
import SluiceCore
import SluicePublish
import SluiceTestSupport

@Suite("SHA-256")
struct SHA256Tests {
    /// The FIPS 180-2 Appendix B examples and the NIST CAVP short-message vector for the empty message.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func fipsVectors(message: String, expected: String) {
        #expect(SHA256.hex(Data(message.utf8)) == expected)
    }

    @Test func oneMillionTimesA() {
        let message = Data(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the padding boundary (55, 56, 63, 64, 65 bytes) against the system's `sha256sum`.
    @Test(arguments: [55, 56, 63, 64, 65, 119, 120])
    func paddingBoundaries(length: Int) throws {
        let message = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        guard let reference = try SystemSHA256.hex(of: message) else {
            print("sha256sum is not installed: skipping the comparison at \(length) bytes")
            return
        }
        #expect(SHA256.hex(message) == reference)
    }

    /// The corpus records the SHA-256 of every page's bytes; our digest of the stored bytes must match.
    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func corpusPagesMatchTheirRecordedDigests() throws {
        let corpus = try #require(SharedCorpus.directory)
        let pages = try CorpusSample.chinesePages(in: corpus, limit: 12)
        #expect(!pages.isEmpty)
        for page in pages {
            let bytes = try Data(contentsOf: page.htmlFile)
            #expect(SHA256.hex(bytes) == page.sha256, "\(page.htmlFile.lastPathComponent)")
        }
    }
}
