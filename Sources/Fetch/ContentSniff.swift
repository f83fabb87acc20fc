import Foundation

/// Decides whether a response is clearly not an HTML page, from its Content-Type and its first bytes.
/// Such a response is kept (content type and size reach the moderator) but never parsed.
public enum ContentSniff {
    private static let binarySignatures: [[UInt8]] = [
        Array("%PDF-".utf8),
        [0x89, 0x50, 0x4E, 0x47],          // PNG
        [0xFF, 0xD8, 0xFF],                // JPEG
        Array("GIF8".utf8),
        [0x50, 0x4B, 0x03, 0x04],          // ZIP, Office documents
        [0x1F, 0x8B],                      // gzip
        Array("RIFF".utf8),                // WebP, AVI, WAV
        [0x1A, 0x45, 0xDF, 0xA3],          // Matroska, WebM
        Array("ID3".utf8),                 // MP3
        Array("OggS".utf8),
        [0x7F, 0x45, 0x4C, 0x46],          // ELF
    ]

    private static let markup = ["<!doctype html", "<html", "<head", "<body", "<meta", "<title", "<div", "<p", "<script"]

    public static func isClearlyNotHTML(contentType: String?, body: Data) -> Bool {
        let head = [UInt8](body.prefix(1024))
        if binarySignatures.contains(where: { head.starts(with: $0) })
            || head.dropFirst(4).starts(with: Array("ftyp".utf8))    // MP4, MOV
            || head.contains(0) {
            return true
        }
        let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch type {
        case "text/html", "application/xhtml+xml":
            return false
        case "", "application/octet-stream", "text/plain", "application/xml", "text/xml":
            let text = String(decoding: head, as: UTF8.self).lowercased()
            return !markup.contains { text.contains($0) }
        default:
            return true
        }
    }
}
