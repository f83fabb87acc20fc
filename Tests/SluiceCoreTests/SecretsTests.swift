import Foundation
import Testing
import SluiceCore

@Suite struct SecretsTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// RFC 4231 test cases 1, 2 and 6 (a key longer than the block is hashed first).
    @Test func hmacMatchesRFC4231() {
        #expect(hex(Secrets.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(hex(Secrets.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hex(Secrets.hmac(key: [UInt8](repeating: 0xaa, count: 131),
                                 message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func equalityNeedsEveryByteAndTheLength() {
        #expect(Secrets.equal("abc", "abc"))
        #expect(!Secrets.equal("abc", "abd"))
        #expect(!Secrets.equal("abc", "abcd"))
        #expect(!Secrets.equal("abcd", "abc"))
        #expect(!Secrets.equal("", "a"))
        #expect(Secrets.equal("", ""))
    }

    @Test func tokensAreLongRandomAndURLSafe() {
        let tokens = (0..<200).map { _ in Secrets.token() }
        #expect(Set(tokens).count == tokens.count)
        for token in tokens {
            #expect(token.count == 32, "24 random bytes are 32 base64url characters")
            #expect(token.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" })
        }
        #expect(Secrets.token(bytes: 4).count >= 22, "never fewer than 128 bits")
        #expect(Secrets.hash("x") == SHA256.hex(Data("x".utf8)))
    }
}
