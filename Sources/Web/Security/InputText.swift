import Foundation
import SluiceCore

/// Characters refused in what a volunteer types, before validation: NUL (it ends C strings and hides what
/// follows) and the bidirectional controls that make text read differently from what it holds (Trojan
/// Source). Other controls and invisible characters are removed by intake's own cleaning.
enum InputText {
    static func check(_ value: String?, field: String) throws(Refusal) {
        guard let value else { return }
        if let scalar = value.unicodeScalars.first(where: isRefused) {
            throw .forbiddenCharacter(field: field, scalar: scalar.value)
        }
    }

    /// Whether intake's cleaning will remove something from `value` (controls other than line breaks and tabs,
    /// zero-width characters), so the answer can say so.
    static func willBeCleaned(_ value: String?) -> Bool {
        value?.unicodeScalars.contains { scalar in
            (TextCleaning.isControl(scalar) && !["\n", "\r", "\t"].contains(scalar)) || TextCleaning.isInvisibleControl(scalar)
        } ?? false
    }

    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
