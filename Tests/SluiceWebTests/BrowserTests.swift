import Foundation
import Testing
import SluiceTestSupport

/// The volunteer's path in headless Chromium at a phone's viewport (`scripts/browser-test.sh`, Selenium in a
/// venv): screenshots of each page go to `out/browser-test/`.
@Suite struct BrowserTests {
    static let root = SharedCorpus.packageRoot
    static let binary = root.appendingPathComponent(".build/debug/sluice").path
    static var available: Bool {
        ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && FileManager.default.isExecutableFile(atPath: binary)
    }

    static let skipMessage: Comment = "chromium, chromium-driver or the sluice binary is missing (bash scripts/setup.sh --test installs chromium; swift build builds sluice): the browser test is skipped"

    @Test(.enabled(if: available, skipMessage),
          .timeLimit(.minutes(3)))
    func aVolunteerGoesFromTheLinkToReceivedOnAPhoneScreen() throws {
        let output = Self.root.appendingPathComponent("out/browser-test")
        try? FileManager.default.removeItem(at: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.root.appendingPathComponent("scripts/browser-test.sh").path, Self.binary, output.path]
        process.currentDirectoryURL = Self.root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let transcript = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(transcript)
        try #require(process.terminationStatus != 77, "Selenium could not be installed from PyPI: \(transcript)")
        #expect(process.terminationStatus == 0, "\(transcript)")
        for name in ["01-volunteer-page.png", "02-received.png", "03-already-known.png", "04-bad-link.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: output.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            #expect(size > 10_000, "screenshot \(name)")
        }
        #expect(transcript.contains("ok    the answer says 收到"))
        #expect(transcript.contains("ok    a known link is already known"))
    }
}
