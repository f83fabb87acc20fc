import SluiceDedup
import Testing

@Suite struct PunycodeTests {
    /// RFC 3492 section 7.1 samples, plus Chinese hosts.
    @Test(arguments: [
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("他們爲什麽不說中文", "ihqwctvzc91f659drss3x8bo0yb"),
        ("3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
        ("-> $1.00 <-", "-> $1.00 <--"),
        ("ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"),
        ("中文", "fiq228c"),
        ("例子", "fsqu00a"),
    ])
    func encodesAndDecodes(label: String, encoded: String) {
        #expect(Punycode.encode(label) == encoded)
        #expect(Punycode.decode(encoded) == label)
    }

    @Test func encodesEachInternationalLabel() {
        #expect(Punycode.asciiHost("中文.com") == "xn--fiq228c.com")
        #expect(Punycode.asciiHost("www.例子.中文") == "www.xn--fsqu00a.xn--fiq228c")
        #expect(Punycode.asciiHost("example.com") == "example.com")
    }

    @Test func refusesInvalidPunycode() {
        #expect(Punycode.decode("中文") == nil)
        #expect(Punycode.decode("a!b") == nil)
    }
}
