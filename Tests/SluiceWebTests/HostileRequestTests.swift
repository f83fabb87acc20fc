import Foundation
import Testing
import SluiceCore
import SluiceWeb

/// Requests an attacker, a broken client or a bored volunteer sends: each refused with a 4xx and a
/// sentence (or, where libmicrohttpd cannot parse a request at all, the connection closed), nothing
/// stored, and the server still answering afterwards.
@Suite struct HostileRequestTests {
    func expectStillAnswering(_ web: WebFixture, items: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try web.get("/").status == 200, sourceLocation: sourceLocation)
        #expect(try web.itemCount() == items, "nothing stored", sourceLocation: sourceLocation)
    }

    @Test func oversizedBodiesAreRefusedUnread() throws {
        let web = try WebFixture()
        let token = try web.invite("小明")
        let cookie = try web.signIn(token)
        let (_, csrf, key) = try web.formPage(cookie)
        let bigNote = String(repeating: "赚", count: 6000)
        let form = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("url", ""), ("note", bigNote)])
        #expect(form.status == 413 && form.text.contains("16 KiB") && form.text.contains("请求内容超过"))
        let api = try web.api("POST", "/api/v1/submissions", token: token, json: "{\"note\": \"\(bigNote)\"}")
        #expect(api.status == 413)
        // Announced as huge: answered before a byte of it is sent.
        let announced = try RawHTTP.exchange(port: web.port, Data("""
            POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\n\
            Content-Length: 1000000000\r\n\r\n
            """.utf8))
        #expect(announced.status == 413)
        // Chunked, so its size is unknown until it has come: read, dropped, then refused.
        let chunk = "4000\r\n" + String(repeating: "a", count: 0x4000) + "\r\n"
        let chunked = try RawHTTP.exchange(port: web.port, Data(("""
            POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\n\
            Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n
            """ + chunk + chunk + "0\r\n\r\n").utf8))
        #expect(chunked.status == 413)
        // One that goes on and on loses its connection.
        let endless = try RawConnection(port: web.port)
        endless.send("POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        var sent = 0
        while sent < 4 << 20, endless.send(chunk) { sent += chunk.utf8.count }
        #expect(endless.isClosedByServer())
        try expectStillAnswering(web, items: 0)
    }

    @Test func malformedHTTPIsRefusedOrClosed() throws {
        let web = try WebFixture()
        let garbage = try RawConnection(port: web.port)
        garbage.send("GARBAGE\r\n\r\n")
        let answer = garbage.readToEnd()
        #expect(answer != nil, "the connection is answered or closed, never left hanging")
        if let answer, !answer.isEmpty { #expect(try RawConnection.parse(answer).status == 400) }
        let version = try RawHTTP.exchange(port: web.port, Data("GET / HTTP/9.9\r\nHost: x\r\n\r\n".utf8))
        #expect(version.status == 505)
        let huge = try RawHTTP.exchange(port: web.port, Data(("GET / HTTP/1.1\r\nHost: x\r\nX-Long: "
                                                              + String(repeating: "a", count: 40_000) + "\r\n\r\n").utf8))
        #expect(huge.status == 431)
        var notUTF8 = Data("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Name: ".utf8)
        notUTF8.append(contentsOf: [0xFF, 0xFE, 0x41])
        notUTF8.append(Data("\r\n\r\n".utf8))
        let header = try RawHTTP.exchange(port: web.port, notUTF8)
        #expect(header.status == 400 && header.text.contains("X-Name"))
        let method = try RawHTTP.request(port: web.port, "DELETE", "/me")
        #expect(method.status == 405 && method.header("Allow") == "GET, HEAD")
        let head = try RawHTTP.request(port: web.port, "HEAD", "/")
        #expect(head.status == 200 && head.body.isEmpty)
        try expectStillAnswering(web, items: 0)
    }

    @Test func pathsOutsideTheRoutesAreNotFound() throws {
        let web = try WebFixture()
        for path in ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "//etc/passwd",
                     "/static/", "/static", "/static/site.css/..", "/me/../../etc/passwd", "/column/2026-11/../../../etc/passwd",
                     "/index.html", "/.git/config", "/v/", "/v"] {
            let response = try web.get(path)
            #expect(response.status == 404, "\(path)")
            #expect(!response.text.contains("root:"), "\(path)")
        }
        for path in ["/%00", "/me%00", "/%ff%fe", "/%zz", "/%e4%b8", "/a%0d%0aSet-Cookie:%20x=1"] {
            let response = try web.get(path)
            #expect(response.status == 400, "\(path)")
            #expect(response.header("Set-Cookie") == nil)
        }
        #expect(try web.get("/static/site.css").header("Content-Type") == "text/css; charset=utf-8")
        try expectStillAnswering(web, items: 0)
    }

    @Test func invalidTokensAreRefused() throws {
        let web = try WebFixture()
        _ = try web.invite("小明")
        #expect(try web.get("/v/\(Secrets.token())").status == 403)
        #expect(try web.get("/v/" + String(repeating: "A", count: 5000)).status == 403)
        #expect(try web.get("/me", headers: [("Cookie", "sluice_volunteer=\(Secrets.token())")]).status == 401)
        #expect(try web.api("GET", "/api/v1/me/submissions", token: "x").status == 401)
        #expect(try web.api("GET", "/api/v1/me/submissions", token: nil, headers: [("Authorization", "Basic eDp5")]).status == 401)
        let forged = try web.postForm("sluice_volunteer=\(Secrets.token())", [("csrf", "1.x"), ("key", "k"), ("note", "x")])
        #expect(forged.status == 401)
        try expectStillAnswering(web, items: 0)
    }

    @Test func replayedForeignOrExpiredFormTokensAreRefused() throws {
        let web = try WebFixture()
        let mine = try web.signIn(try web.invite("小明"))
        let theirs = try web.signIn(try web.invite("小红"))
        let (_, csrf, key) = try web.formPage(mine)
        let (_, otherCSRF, otherKey) = try web.formPage(theirs)
        let note = ("note", "一条备注")
        let refusals: [(String, RawResponse)] = [
            ("another form's key", try web.postForm(mine, [("csrf", csrf), ("key", otherKey), note])),
            ("another volunteer's form", try web.postForm(mine, [("csrf", otherCSRF), ("key", otherKey), note])),
            ("no token", try web.postForm(mine, [("key", key), note])),
            ("a forged signature", try web.postForm(mine, [("csrf", String(csrf.prefix(11)) + "AAAA"), ("key", key), note])),
            ("a token from the future", try web.postForm(mine, [("csrf", "9999999999." + csrf.split(separator: ".")[1]), ("key", key), note])),
            ("another site's page", try web.postForm(mine, [("csrf", csrf), ("key", key), note], headers: [("Origin", "https://evil.example")])),
            ("a cross-site fetch", try web.postForm(mine, [("csrf", csrf), ("key", key), note], headers: [("Sec-Fetch-Site", "cross-site")])),
            ("an opaque origin", try web.postForm(mine, [("csrf", csrf), ("key", key), note], headers: [("Origin", "null")])),
        ]
        for (what, response) in refusals {
            #expect(response.status == 403, "\(what): \(response.status)")
            #expect(response.text.contains("表单已过期或不属于你") || response.text.contains("拒绝来自其他网站"), "\(what)")
        }
        #expect(try web.itemCount() == 0)
        let sameOrigin = try web.postForm(mine, [("csrf", csrf), ("key", key), note], headers: [("Origin", "http://127.0.0.1:\(web.port)")])
        #expect(sameOrigin.status == 303)

        let short = try WebFixture { $0.formLifetime = 1 }
        let cookie = try short.signIn(try short.invite("小明"))
        let (_, oldCSRF, oldKey) = try short.formPage(cookie)
        Thread.sleep(forTimeInterval: 2.2)
        #expect(try short.postForm(cookie, [("csrf", oldCSRF), ("key", oldKey), note]).status == 403)
        try expectStillAnswering(short, items: 0)
    }

    @Test func controlAndBidiCharactersAreRefusedOrNeutralised() throws {
        let web = try WebFixture()
        let cookie = try web.signIn(try web.invite("小明"))
        func post(_ body: Data) throws -> RawResponse {
            try RawHTTP.request(port: web.port, "POST", "/me/submissions",
                                headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")], body: body)
        }
        let (_, csrf, key) = try web.formPage(cookie)
        let prefix = "csrf=\(csrf)&key=\(key)&url=&note="
        let nul = try post(Data((prefix + "a%00b").utf8))
        #expect(nul.status == 400 && nul.text.contains("U+0000"))
        let bidi = try post(Data((prefix + "%E2%80%AEtxt.exe").utf8))
        #expect(bidi.status == 400 && bidi.text.contains("U+202E"))
        #expect(!bidi.text.contains("\u{202E}"), "the refused character is not echoed back")
        let invalid = try post(Data((prefix + "%FF%FE").utf8))
        #expect(invalid.status == 400 && invalid.text.contains("UTF-8"))
        var raw = Data(prefix.utf8)
        raw.append(contentsOf: [0xC3, 0x28])
        #expect(try post(raw).status == 400)
        #expect(try post(Data((prefix + "a&note=b").utf8)).status == 400, "a field sent twice")
        let wrongType = try RawHTTP.request(port: web.port, "POST", "/me/submissions",
                                            headers: [("Cookie", cookie), ("Content-Type", "multipart/form-data; boundary=x")],
                                            body: Data("x".utf8))
        #expect(wrongType.status == 415)
        try expectStillAnswering(web, items: 0)
        // Other controls are removed by intake's own cleaning, never stored raw.
        let cleaned = try post(Data((prefix + "%E9%97%B2%07%E9%B1%BC%1B%5B31m").utf8))
        #expect(cleaned.status == 303)
        let location = try #require(cleaned.header("Location"))
        #expect(location.hasSuffix("&cleaned=1"))
        #expect(try web.get(location, headers: [("Cookie", cookie)]).text.contains("控制字符和不可见字符已被移除"))
        let note = try #require(try web.store.records(state: nil, limit: nil, after: nil).first?.note)
        #expect(!note.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(note.hasPrefix("闲") && note.contains("鱼"))
    }
}
