import Foundation
import SluiceCore

extension Store {
    /// Calls `body` with every stored capture, body included, oldest first, one at a time: an archive of
    /// any size is written without holding more than one page in memory.
    public func forEachCapture(_ body: (Int64, Capture) throws -> Void) throws {
        var lastID: Int64 = 0
        while true {
            let next = try read { database in
                try database.query("""
                    SELECT id, item_id, metadata_json, body FROM captures WHERE id > ? ORDER BY id LIMIT 1
                    """, [lastID]) { row -> (id: Int64, itemID: Int64, capture: Capture?) in
                    var capture = row.string(2).flatMap { try? JSONDecoder().decode(Capture.self, from: Data($0.utf8)) }
                    capture?.body = row.data(3) ?? Data()
                    return (row.int(0) ?? 0, row.int(1) ?? 0, capture)
                }.first
            }
            guard let next else { return }
            lastID = next.id
            if let capture = next.capture { try body(next.itemID, capture) }
        }
    }
}
