import Foundation
import SluiceCore

/// The fetch stage's charset decoder on corpus bytes, which carry no HTTP header.
enum CorpusDecoder {
    static let decode: @Sendable (Data) -> (text: String, charset: String) = { bytes in
        let decoded = CharsetDecoder.decode(bytes, contentType: nil)
        return (decoded.text, decoded.charset)
    }
}
