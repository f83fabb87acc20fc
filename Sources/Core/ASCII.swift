extension UInt8 {
    /// The byte with an ASCII capital letter made small; every other byte as it is (markup names, robots.txt
    /// fields and the needles searched in pages compare ASCII letters without case, byte by byte).
    package var asciiLowercased: UInt8 {
        (0x41...0x5A).contains(self) ? self | 0x20 : self
    }
}
