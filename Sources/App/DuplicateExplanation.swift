import Foundation
import SluiceCore
import SluiceDedup

/// `sluice why-dup`: why an item joined a cluster, in steps a moderator can check.
public struct DuplicateExplanation: Sendable, Encodable {
    /// How one side's URL became the key both share.
    public struct KeyDerivation: Sendable, Encodable {
        public var id: Int64
        public var url: String
        public var steps: [String]
    }

    public var id: Int64
    public var duplicateOf: Int64
    public var kind: String?
    public var evidence: String?
    public var sharedKey: String?
    public var derivations: [KeyDerivation]
    public var content: ContentExplanation?

    enum CodingKeys: String, CodingKey {
        case id, kind, evidence, derivations, content
        case duplicateOf = "duplicate_of"
        case sharedKey = "shared_key"
    }

    /// The explanation of a stored pair; nil when the item is not linked to a cluster.
    public static func of(itemID: Int64, store: any DedupIndex, canonicalizer: URLCanonicalizer,
                          options: DedupOptions) throws -> DuplicateExplanation? {
        try store.dedupPair(itemID: itemID).map { explain($0, canonicalizer: canonicalizer, options: options) }
    }

    static func explain(_ pair: DedupPair, canonicalizer: URLCanonicalizer, options: DedupOptions) -> DuplicateExplanation {
        var why = DuplicateExplanation(id: pair.item.id, duplicateOf: pair.root.id, kind: pair.kind, evidence: pair.evidence,
                                       sharedKey: nil, derivations: [], content: nil)
        let shared = pair.item.urlKeys.filter(pair.root.urlKeys.contains)
        if pair.kind == "url", let key = shared.first {
            why.sharedKey = key
            why.derivations = [pair.item, pair.root].compactMap { derivation(of: key, from: $0, canonicalizer: canonicalizer) }
        } else if let text = pair.item.text, let original = pair.root.text {
            why.content = DuplicateJudge.explain(text, against: original, options: options)
        }
        return why
    }

    /// The first of a side's URLs (or its WeChat identity) that canonicalizes to `key`, with the steps taken.
    static func derivation(of key: String, from side: DedupSide, canonicalizer: URLCanonicalizer) -> KeyDerivation? {
        for url in side.urls {
            if let canonical = try? canonicalizer.canonicalize(url), canonical.value == key {
                return KeyDerivation(id: side.id, url: url, steps: canonical.steps)
            }
        }
        if let identity = side.weChat, let canonical = try? canonicalizer.weChatKey(identity), canonical.value == key {
            return KeyDerivation(id: side.id, url: "WeChat __biz=\(identity.biz) mid=\(identity.mid) idx=\(identity.idx)",
                                 steps: canonical.steps)
        }
        return nil
    }

    /// The explanation in lines of text (untrusted URLs and passages: printers escape it for their medium).
    public var lines: [String] {
        var lines = ["#\(id) is a duplicate of #\(duplicateOf) (\(kind ?? "unknown"))"]
        if let key = sharedKey {
            lines.append("both are known by the key \(key)")
            for derivation in derivations {
                lines.append("  #\(derivation.id) \(derivation.url)")
                lines += derivation.steps.isEmpty ? ["    - already in canonical form"] : derivation.steps.map { "    - \($0)" }
            }
        } else if let content {
            if let distance = content.distance { lines.append("fingerprint distance: \(distance) bits") }
            if let similarity = content.similarity { lines.append(String(format: "shingle similarity: %.2f", similarity)) }
            lines.append(content.sharedPassages.isEmpty ? "no shared passage of 8 characters or more" : "shared passages:")
            lines += content.sharedPassages.map { "  「\($0)」" }
        } else if let evidence {
            lines.append("recorded evidence: \(evidence) (the texts are no longer stored)")
        }
        return lines
    }
}
