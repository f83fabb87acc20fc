import SluiceTestSupport
import Testing

extension Trait where Self == ConditionTrait {
    /// Skips a test with a clear message where `../shared/corpus` is absent.
    static var needsCorpus: Self {
        .enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage))
    }
}
