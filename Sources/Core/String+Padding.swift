extension String {
    /// The digits of a number padded with leading zeros to `width` characters ("7" → "07"), for hex bytes
    /// and calendar fields; longer text is returned as is.
    package func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
