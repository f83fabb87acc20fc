import Foundation
import Testing
import SluiceApp
import SluiceCore
import SluiceIntake
import SluiceStore
import SluiceWeb

/// The volunteer's page over real HTTP: invitation link → page → "收到" → the item in their list, and every
/// refusal on the way.
@Suite struct VolunteerPageTests {
    @Test func theInvitationLinkSetsACookieAndOpensTheChinesePage() throws {
        let web = try WebFixture()
        let token = try web.invite("小明")
        let link = try web.get("/v/\(token)")
        #expect(link.status == 303)
        #expect(link.header("Location") == "/me")
        let cookie = try #require(link.header("Set-Cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        let (page, csrf, key) = try web.formPage(try web.signIn(token))
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.text.contains("<html lang=\"zh-CN\">"))
        #expect(page.text.contains("<bdi>小明</bdi>"))
        #expect(page.text.contains("提交") && page.text.contains("我的提交"))
        #expect(!csrf.isEmpty && !key.isEmpty)
        #expect(!page.text.contains("<script"), "no script at all")
        #expect(page.header("Content-Security-Policy")?.hasPrefix("default-src 'self'") == true)
        #expect(page.header("X-Content-Type-Options") == "nosniff")
        #expect(page.header("Cache-Control") == "no-store")
        let english = try web.get("/me", headers: [("Cookie", try web.signIn(token)), ("Accept-Language", "en-US,en;q=0.9,zh;q=0.5")])
        #expect(english.text.contains("<html lang=\"en\">") && english.text.contains("My submissions"))
        let preferChinese = try web.get("/me", headers: [("Cookie", try web.signIn(token)), ("Accept-Language", "en;q=0.4,zh-CN")])
        #expect(preferChinese.text.contains("<html lang=\"zh-CN\">"))
        #expect(web.logs.allSatisfy { !$0.contains(token) }, "a token never reaches the log")
        #expect(web.logs.contains { $0.contains("GET /v/[token] 303") && $0.contains("volunteer=小明") })
    }

    @Test func aSubmissionIsDurableBeforeTheAnswerSaysReceived() throws {
        let web = try WebFixture()
        let cookie = try web.signIn(try web.invite("小明"))
        let (_, csrf, key) = try web.formPage(cookie)
        let answer = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("url", "https://www.36kr.com/p/2100?utm_source=wechat"),
                                               ("note", "闲鱼卖二手书，每月多赚五百")])
        #expect(answer.status == 303)
        let location = try #require(answer.header("Location"))
        #expect(location.hasPrefix("/me?received="))
        let id = try #require(Int64(location.dropFirst("/me?received=".count)))
        // Stored and committed: a second connection to the file sees it.
        let record = try #require(try StoreLocationOpener.open(web.storePath).record(id: id))
        #expect(record.state == .submitted && record.volunteer == "小明" && record.note == "闲鱼卖二手书，每月多赚五百")
        let page = try web.get(location, headers: [("Cookie", cookie)])
        #expect(page.text.contains("收到！已记录为 #\(id)。"))
        #expect(page.text.contains("<li id=\"s\(id)\""))
        #expect(page.text.contains("排队中"))
    }

    @Test func aDoubleTapOrARetryStoresOnce() throws {
        let web = try WebFixture()
        let cookie = try web.signIn(try web.invite("小明"))
        let (_, csrf, key) = try web.formPage(cookie)
        let fields = [("csrf", csrf), ("key", key), ("url", "https://www.36kr.com/p/2200"), ("note", "")]
        let first = try web.postForm(cookie, fields)
        let second = try web.postForm(cookie, fields)
        #expect(first.status == 303 && second.status == 303)
        #expect(first.header("Location") == second.header("Location"))
        #expect(try web.itemCount() == 1)
        // The same form replayed with other content is refused, nothing stored.
        let changed = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("url", "https://www.36kr.com/p/2201"), ("note", "")])
        #expect(changed.status == 422)
        #expect(changed.text.contains("已经用来提交过另一条内容"))
        #expect(try web.itemCount() == 1)
    }

    @Test func aKnownLinkIsRecognisedAtSubmitTime() throws {
        let web = try WebFixture()
        let root = try web.knownStory("https://www.36kr.com/p/2300")
        let cookie = try web.signIn(try web.invite("小红"))
        let (_, csrf, key) = try web.formPage(cookie)
        let answer = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("url", "https://www.36kr.com/p/2300?utm_source=wx"),
                                               ("note", "我也看到了")])
        let location = try #require(answer.header("Location"))
        let page = try web.get(location, headers: [("Cookie", cookie)])
        #expect(page.text.contains("这个链接已有记录：#\(root)"))
        #expect(page.text.contains("已有记录：#\(root) —— 你的报告已记录并计入贡献"))
        let english = try web.get(location, headers: [("Cookie", cookie), ("Accept-Language", "en")])
        #expect(english.text.contains("already known as #\(root) — your report is recorded"))
        #expect(try web.store.record(id: root)?.reports.map(\.volunteer) == ["老王", "小红"])
    }

    @Test func aBadLinkGetsTheCLIsSentenceAtOnceAndNothingIsStored() throws {
        let web = try WebFixture()
        let cookie = try web.signIn(try web.invite("小明"))
        for (bad, expected) in [("ftp://files.example/a", "only http and https"), ("https://exa mple.com/", "is not a usable URL"),
                                ("", "Neither a URL nor a note")] {
            let (_, csrf, key) = try web.formPage(cookie)
            let english = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("url", bad), ("note", "")],
                                           headers: [("Accept-Language", "en")])
            #expect(english.status == 422, "\(bad)")
            let cli = try #require(Self.validatorSentence(url: bad))
            #expect(cli.contains(expected))
            #expect(english.text.contains(Self.htmlEscaped(cli)), "the page says what sluice submit says: \(cli)")
            #expect(english.text.contains("value=\"\(Self.htmlEscaped(bad))\""), "the form keeps what was typed")
        }
        let (_, csrf, key) = try web.formPage(cookie)
        let chinese = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("url", "javascript:alert(1)"), ("note", "")])
        #expect(chinese.status == 422 && chinese.text.contains("只接受 http 和 https 链接"))
        #expect(try web.itemCount() == 0)
    }

    @Test func aNoteAloneIsIntel() throws {
        let web = try WebFixture()
        let cookie = try web.signIn(try web.invite("阿强"))
        let (_, csrf, key) = try web.formPage(cookie)
        let answer = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("url", ""), ("note", "小区团购团长，一个月多赚一千")])
        #expect(answer.status == 303)
        #expect(try web.store.records(state: nil, limit: nil, after: nil).map(\.note) == ["小区团购团长，一个月多赚一千"])
    }

    @Test func theListShowsEachFateTheReasonAndTheCredits() throws {
        let web = try WebFixture()
        let token = try web.invite("小明")
        let cookie = try web.signIn(token)
        let published = try web.knownStory("https://www.36kr.com/p/2400", by: "小明")
        let rejected = try web.knownStory("https://www.36kr.com/p/2401", by: "小明")
        try web.store.decide(itemID: rejected, .reject(reason: "hype_scam", text: "夸大收益"), moderator: "版主A",
                             expected: ExpectedItem(), evidence: nil, at: Date())
        let month = try web.publish(published)
        let page = try web.get("/me", headers: [("Cookie", cookie)])
        #expect(page.text.contains("未采用：夸大收益或骗局：夸大收益"))
        #expect(page.text.contains("已发表于 \(month) 月刊"))
        #expect(page.text.contains("<a href=\"/column/\(month)\">\(month) 月刊收录 1 条</a>"))
        let english = try web.get("/me", headers: [("Cookie", cookie), ("Accept-Language", "en")])
        #expect(english.text.contains("rejected: hype/scam: 夸大收益"))
        #expect(english.text.contains("1 in the \(month) column"))
    }

    @Test func untrustedTextIsEscapedOnThePage() throws {
        let web = try WebFixture()
        let cookie = try web.signIn(try web.invite("<script>alert(1)</script>"))
        let (_, csrf, key) = try web.formPage(cookie)
        _ = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("url", ""), ("note", "<img src=x onerror=alert(1)> & \"引号\"")])
        let page = try web.get("/me", headers: [("Cookie", cookie)])
        #expect(!page.text.contains("<script>alert") && !page.text.contains("<img"))
        #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.text.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;引号&quot;"))
    }

    @Test func aRevokedOrUnknownLinkIsRefused() throws {
        let web = try WebFixture()
        let token = try web.invite("小明")
        let cookie = try web.signIn(token)
        #expect(try web.get("/v/\(Secrets.token())").status == 403)
        #expect(try web.get("/v/short").status == 403)
        #expect(try InvitationService(store: web.store).revoke(volunteer: "小明"))
        let link = try web.get("/v/\(token)")
        #expect(link.status == 403 && link.text.contains("无效或已被撤销"))
        let page = try web.get("/me", headers: [("Cookie", cookie)])
        #expect(page.status == 401 && page.text.contains("请重新打开"))
        #expect(try web.get("/me").status == 401)
    }

    static func validatorSentence(url: String) -> String? {
        do throws(IntakeError) {
            _ = try SubmissionValidator().validate(url: url, note: nil, volunteer: "小明", source: "cli")
            return nil
        } catch {
            let text = error.description
            return text.prefix(1).uppercased() + text.dropFirst()
        }
    }

    static func htmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}

/// A second connection to a store file, as another process would open it.
enum StoreLocationOpener {
    static func open(_ path: String) throws -> any Store {
        try SluiceStore.StoreLocation(path).open(create: false)
    }
}
