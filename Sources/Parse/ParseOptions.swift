import SluiceCore

/// Options under "parse" in the pipeline JSON. Absent keys take their defaults; every key is encoded, so
/// `StrictJSON` can reject misspelt ones. Every limit must be positive.
public struct ParseOptions: Codable, Sendable, Equatable {
    /// Characters kept of the title (grapheme clusters).
    public var titleLimit: Int
    /// Characters kept of the description.
    public var descriptionLimit: Int
    /// Characters kept of the main text.
    public var textLimit: Int
    /// Target length of the excerpt shown on the review screen and in the column.
    public var excerptLength: Int
    /// Outbound links kept per page.
    public var maxLinks: Int
    /// Images kept per page.
    public var maxImages: Int

    public init(titleLimit: Int = 512, descriptionLimit: Int = 2_000, textLimit: Int = 200_000,
                excerptLength: Int = 200, maxLinks: Int = 500, maxImages: Int = 50) {
        self.titleLimit = titleLimit
        self.descriptionLimit = descriptionLimit
        self.textLimit = textLimit
        self.excerptLength = excerptLength
        self.maxLinks = maxLinks
        self.maxImages = maxImages
    }

    enum CodingKeys: String, CodingKey {
        case titleLimit = "title_limit"
        case descriptionLimit = "description_limit"
        case textLimit = "text_limit"
        case excerptLength = "excerpt_length"
        case maxLinks = "max_links"
        case maxImages = "max_images"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ParseOptions()
        func positive(_ key: CodingKeys, _ fallback: Int) throws -> Int {
            let value = try container.decode(key, default: fallback)
            guard value > 0 else { throw invalidValue(key, in: decoder, "must be a positive number, not \(value)") }
            return value
        }
        titleLimit = try positive(.titleLimit, defaults.titleLimit)
        descriptionLimit = try positive(.descriptionLimit, defaults.descriptionLimit)
        textLimit = try positive(.textLimit, defaults.textLimit)
        excerptLength = try positive(.excerptLength, defaults.excerptLength)
        maxLinks = try positive(.maxLinks, defaults.maxLinks)
        maxImages = try positive(.maxImages, defaults.maxImages)
    }
}
