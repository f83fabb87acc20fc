extension StringProtocol {
    /// Whether `other` occurs in the text, code unit for code unit in UTF-8 (what Foundation calls a literal
    /// search). Foundation's `contains(_:)` bridges both strings to UTF-16 and compares with canonical
    /// equivalence, which cost more than the extraction around it on page-sized texts; extracted text has
    /// already been cleaned to one form, so the literal answer is the same one. Like Foundation's, an empty
    /// `other` is not found.
    public func containsLiterally<Other: StringProtocol>(_ other: Other) -> Bool {
        let found = utf8.withContiguousStorageIfAvailable { haystack in
            other.utf8.withContiguousStorageIfAvailable { needle in LiteralSearch.occurs(needle, in: haystack) }
        }
        if let found = found ?? nil { return found }
        return LiteralSearch.occurs(Array(other.utf8), in: Array(utf8))
    }
}

enum LiteralSearch {
    static func occurs(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first else { return false }
        guard needle.count <= haystack.count else { return false }
        var start = 0
        let lastStart = haystack.count - needle.count
        while start <= lastStart {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count && haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }

    static func occurs(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        needle.withUnsafeBufferPointer { needle in haystack.withUnsafeBufferPointer { occurs(needle, in: $0) } }
    }
}
