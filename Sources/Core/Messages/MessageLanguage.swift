/// The language a person reads sluice's messages in: English, or Simplified Chinese for the community's moderators
/// and volunteers.
public enum MessageLanguage: String, Sendable, CaseIterable {
    case en, zh

    /// A language tag or locale name: `zh`, `zh_CN.UTF-8`, `zh-Hans`, `en_US`, `C`, `POSIX`.
    public init?(tag: String) {
        let lowered = tag.lowercased()
        if lowered.hasPrefix("zh") {
            self = .zh
        } else if lowered.hasPrefix("en") || lowered == "c" || lowered == "posix" || lowered.hasPrefix("c.") {
            self = .en
        } else {
            return nil
        }
    }

    /// The language the environment asks for: `$SLUICE_LANG` when it names one of ours, else the locale in force
    /// (the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`, as the C library decides); English for any other.
    public static func from(environment: [String: String]) -> MessageLanguage {
        if let chosen = environment["SLUICE_LANG"].flatMap(MessageLanguage.init(tag:)) { return chosen }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return locale.flatMap(MessageLanguage.init(tag:)) ?? .en
    }
}
