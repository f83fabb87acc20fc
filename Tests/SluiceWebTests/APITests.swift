import Foundation
import Testing
import SluiceCore
import SluiceWeb

/// The API for bots and scripts: bearer tokens, JSON in and out, idempotency keys, errors with a code and a
/// sentence.
@Suite struct APITests {
    @Test func aSubmissionIsCreatedAndARetryWithTheSameKeyReturnsIt() throws {
        let web = try WebFixture()
        let token = try web.invite("机器人")
        let body = #"{"url": "https://www.36kr.com/p/3100", "note": "来自脚本"}"#
        let created = try web.api("POST", "/api/v1/submissions", token: token, json: body, headers: [("Idempotency-Key", "job-1")])
        #expect(created.status == 201)
        #expect(created.header("Content-Type") == "application/json; charset=utf-8")
        let json = try #require(created.json)
        let id = try #require(json["id"] as? Int)
        #expect(json["status"] as? String == "submitted" && json["replayed"] as? Bool == false && json["cleaned"] as? Bool == false)
        #expect(created.header("Location") == "/api/v1/submissions/\(id)")
        let retry = try web.api("POST", "/api/v1/submissions", token: token, json: body, headers: [("Idempotency-Key", "job-1")])
        #expect(retry.status == 200)
        #expect(retry.json?["id"] as? Int == id && retry.json?["replayed"] as? Bool == true)
        let reused = try web.api("POST", "/api/v1/submissions", token: token, json: #"{"url": "https://www.36kr.com/p/3101"}"#,
                                 headers: [("Idempotency-Key", "job-1")])
        #expect(reused.status == 422)
        #expect((reused.json?["error"] as? [String: Any])?["code"] as? String == "idempotency_key_reused")
        #expect(try web.itemCount() == 1)

        let one = try web.api("GET", "/api/v1/submissions/\(id)", token: token)
        #expect(one.status == 200 && one.json?["status"] as? String == "queued" && one.json?["note"] as? String == "来自脚本")
        let mine = try web.api("GET", "/api/v1/me/submissions", token: token)
        #expect(mine.json?["volunteer"] as? String == "机器人")
        #expect((mine.json?["submissions"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
    }

    @Test func aKnownLinkIsAnsweredAsAlreadyKnown() throws {
        let web = try WebFixture()
        let root = try web.knownStory("https://www.36kr.com/p/3200")
        let token = try web.invite("机器人")
        let answer = try web.api("POST", "/api/v1/submissions", token: token, json: #"{"url": "https://www.36kr.com/p/3200#top"}"#)
        #expect(answer.status == 201)
        #expect(answer.json?["status"] as? String == "already_known" && answer.json?["known_as"] as? Int == Int(root))
        let bell = try web.api("POST", "/api/v1/submissions", token: token, json: #"{"note": "响铃\u0007备注\u200B"}"#)
        #expect(bell.status == 201 && bell.json?["cleaned"] as? Bool == true)
        let stored = try #require(try web.store.record(id: Int64(bell.json?["id"] as? Int ?? 0)))
        #expect(stored.note == "响铃 备注", "a C0 control reads as a space, a zero-width space is removed")
    }

    @Test func everyRefusalIsJSONWithACodeAndASentence() throws {
        let web = try WebFixture()
        let token = try web.invite("机器人")
        let other = try web.invite("别人")
        let theirs = try web.api("POST", "/api/v1/submissions", token: other, json: #"{"note": "别人的"}"#).json?["id"] as? Int
        let cases: [(RawResponse, Int, String)] = [
            (try web.api("POST", "/api/v1/submissions", token: nil, json: #"{"note": "x"}"#), 401, "invalid_token"),
            (try web.api("POST", "/api/v1/submissions", token: Secrets.token(), json: #"{"note": "x"}"#), 401, "invalid_token"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: "{not json"), 400, "invalid_json"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: "[1, 2]"), 400, "invalid_json"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: #"{"url": 12}"#), 400, "invalid_field"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: #"{"note": "x", "volunteer": "冒充"}"#), 400, "invalid_field"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: #"{"url": "ftp://x.example/"}"#), 422, "unsupported_scheme"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: #"{"url": null, "note": null}"#), 422, "empty_submission"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: #"{"note": "a\u0000b"}"#), 400, "forbidden_character"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: #"{"note": "abc\u202Edef"}"#), 400, "forbidden_character"),
            (try web.api("POST", "/api/v1/submissions", token: token, json: #"{"note": "x"}"#,
                         headers: [("Idempotency-Key", String(repeating: "k", count: 201))]), 400, "bad_idempotency_key"),
            (try RawHTTP.request(port: web.port, "POST", "/api/v1/submissions",
                                 headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "text/plain")],
                                 body: Data("url=x".utf8)), 415, "unsupported_media_type"),
            (try web.api("GET", "/api/v1/submissions", token: token), 405, "method_not_allowed"),
            (try web.api("GET", "/api/v1/submissions/\(theirs ?? 0)", token: token), 404, "unknown_submission"),
            (try web.api("GET", "/api/v1/submissions/abc", token: token), 404, "not_found"),
            (try web.api("GET", "/api/v1/nothing", token: token), 404, "not_found"),
        ]
        for (response, status, code) in cases {
            #expect(response.status == status, "\(code): \(response.text)")
            let error = response.json?["error"] as? [String: Any]
            #expect(error?["code"] as? String == code, "\(response.text)")
            #expect((error?["message"] as? String).map { $0.count > 10 && $0.hasSuffix(".") } == true, "\(response.text)")
        }
        #expect(cases[0].0.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(cases[12].0.header("Allow") == "POST")
        let chinese = try web.api("POST", "/api/v1/submissions", token: nil, json: "{}", headers: [("Accept-Language", "zh-CN")])
        #expect((chinese.json?["error"] as? [String: Any])?["message"] as? String == "令牌无效或已被撤销。")
        #expect(try web.itemCount() == 1, "only the other volunteer's note was stored")
    }
}
