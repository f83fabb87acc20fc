/// Why the dedup stage could not do its work: each case names the input and what is wrong with it.
public enum DedupError: Error, Equatable, CustomStringConvertible {
    /// A URL that cannot become a dedup key: the URL as given and the reason.
    case invalidURL(String, String)
    /// A corpus file the evaluation could not read: the path and the reason.
    case unreadableCorpus(String, String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "invalid URL \"\(url)\": \(reason)"
        case .unreadableCorpus(let path, let reason): "cannot read corpus \(path): \(reason)"
        }
    }
}
