import SluiceReview

/// Every untrusted string printed by a command goes through here (one sanitiser at the output boundary).
enum TerminalSafe {
    static func text(_ text: String) -> String { TerminalText.sanitize(text) }
}
