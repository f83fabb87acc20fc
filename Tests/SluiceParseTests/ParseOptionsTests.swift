import Foundation
import SluiceCore
import SluiceParse
import Testing

@Suite struct ParseOptionsTests {
    @Test func absentKeysTakeDefaults() throws {
        let options = try StrictJSON.decode(ParseOptions.self, from: Data(#"{"title_limit": 80}"#.utf8), file: "parse.json")
        #expect(options == ParseOptions(titleLimit: 80))
    }

    @Test func everyKeyIsEncodedInSnakeCase() throws {
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ParseOptions())) as? [String: Int]
        #expect(encoded?.keys.sorted() == ["description_limit", "excerpt_length", "max_images", "max_links",
                                           "text_limit", "title_limit"])
        #expect(encoded?["text_limit"] == 200_000)
    }

    @Test func unknownKeyAndNonPositiveLimitAreRefused() {
        #expect(throws: ConfigurationError(file: "parse.json", key: "titel_limit", reason: "unknown key")) {
            try StrictJSON.decode(ParseOptions.self, from: Data(#"{"titel_limit": 80}"#.utf8), file: "parse.json")
        }
        #expect(throws: ConfigurationError.self) {
            try StrictJSON.decode(ParseOptions.self, from: Data(#"{"max_links": 0}"#.utf8), file: "parse.json")
        }
    }
}
