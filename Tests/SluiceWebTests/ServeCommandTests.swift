import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// `sluice volunteer invite|revoke` in process, and `sluice serve` as the built binary: it prints where it
/// listens, answers, and stops cleanly on SIGTERM; with `--tls-cert/--tls-key` it speaks HTTPS itself.
@Suite struct ServeCommandTests {
    let directory = TemporaryDirectory("serve-command")
    var store: String { directory.path("sluice.db") }
    static let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path

    func sluice(_ arguments: [String], expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        let console = Console.capturing()
        let result = Command.run(arguments: arguments + ["--store", store], console: console, environment: [:])
        #expect(result == status, "sluice \(arguments.joined(separator: " ")): \(console.errors)", sourceLocation: sourceLocation)
        return console
    }

    @Test func inviteGivesALinkWithATokenAndStoresOnlyItsHash() throws {
        let output = sluice(["volunteer", "invite", "小明", "--base-url", "https://intake.example/sluice", "--json"]).output
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String])
        #expect(Set(json.keys) == ["volunteer", "link", "token"])
        let token = try #require(json["token"])
        #expect(json["volunteer"] == "小明")
        #expect(json["link"] == "https://intake.example/sluice/v/\(token)")
        #expect(token.count >= 22)
        let opened = try StoreLocation(store).open(create: false)
        #expect(try opened.invitation(tokenSHA256: Secrets.hash(token))?.volunteer == "小明")
        for file in [store, store + "-wal"] {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            #expect(bytes.firstRange(of: Data(token.utf8)) == nil, "the token itself is nowhere in \(file)")
        }
        let text = sluice(["volunteer", "invite", "小明"]).output
        #expect(text.contains("小明: http://127.0.0.1:8080/v/"))
        #expect(try opened.invitation(tokenSHA256: Secrets.hash(token)) == nil, "inviting again ends the old link")
        #expect(sluice(["volunteer", "revoke", "小明"]).output.contains("revoked"))
        #expect(sluice(["volunteer", "revoke", "小明"], expect: 1).errors.contains("no live invitation"))
        #expect(sluice(["volunteer", "invite"], expect: 2).errors.contains("name one volunteer"))
        #expect(sluice(["volunteer", "invite", "   "], expect: 2).errors.contains("volunteer name is empty"))
        #expect(sluice(["volunteer", "invite", "小明", "--base-url", "ftp://x/"], expect: 2).errors.contains("--base-url"))
    }

    @Test func serveRefusesBadOptionsWithAUsageError() {
        #expect(sluice(["serve", "--help"]).output.contains("usage: sluice serve"))
        #expect(sluice(["volunteer", "--help"]).output.contains("volunteer invite NAME"))
        #expect(sluice(["serve", "--listen", "example.com:80"], expect: 2).errors.contains("numeric address"))
        #expect(sluice(["serve", "--listen", "127.0.0.1"], expect: 2).errors.contains("HOST:PORT"))
        #expect(sluice(["serve", "--tls-cert", "c.pem"], expect: 2).errors.contains("go together"))
        #expect(sluice(["serve", "--trusted-proxy", "proxy.local"], expect: 2).errors.contains("numeric address"))
        #expect(sluice(["serve", "--bogus"], expect: 2).errors.contains("unknown option"))
    }

    /// Starts the binary on a port of the system's choosing; the port it printed.
    func start(_ arguments: [String]) throws -> (Process, UInt16, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrowserTests.binary)
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--store", store, "--pipeline", Self.pipeline] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        let port = text.split(separator: ":").last.flatMap { UInt16($0.prefix { $0.isNumber }) }
        return (process, try #require(port, "serve printed \(text)"), output)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: BrowserTests.binary), "the sluice binary is not built"))
    func serveAnswersAndStopsOnSIGTERM() throws {
        let (process, port, output) = try start([])
        #expect(try RawHTTP.request(port: port, "GET", "/").status == 200)
        kill(process.processIdentifier, SIGTERM)
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(rest.contains("stopped"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: BrowserTests.binary)
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs the sluice binary, openssl and curl"))
    func serveSpeaksHTTPSWithItsOwnCertificate() throws {
        let key = directory.path("key.pem")
        let certificate = directory.path("cert.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
                             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        openssl.standardOutput = Pipe()
        openssl.standardError = Pipe()
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        let (process, port, _) = try start(["--tls-cert", certificate, "--tls-key", key])
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code} %{scheme}", "--cacert", certificate, "https://127.0.0.1:\(port)/"]
        let answer = Pipe()
        curl.standardOutput = answer
        try curl.run()
        let text = String(decoding: answer.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        #expect(text == "200 HTTPS", "curl said \(text)")
        let plain = try RawConnection(port: port, receiveTimeout: 5)
        plain.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let reply = String(decoding: plain.readToEnd() ?? Data(), as: UTF8.self)
        #expect(!reply.contains("200 OK"), "plain HTTP is not answered as a page")
    }
}
