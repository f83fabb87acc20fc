import Foundation
import SluiceCore

extension SQLStore {
    public func invite(volunteer: String, tokenSHA256: String, at now: Date) throws -> Invitation {
        let name = volunteer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError.emptyVolunteer }
        let stamp = Timestamp.string(now)
        return try sql.write { database in
            try database.run("UPDATE invitations SET revoked_at = ? WHERE volunteer = ? AND revoked_at IS NULL", [stamp, name])
            let id = try database.insert("""
                INSERT INTO invitations (volunteer, token_sha256, created_at) VALUES (?, ?, ?)
                """, [name, tokenSHA256, stamp])
            return Invitation(id: id, volunteer: name, tokenSHA256: tokenSHA256, createdAt: now)
        }
    }

    public func revokeInvitations(volunteer: String, at now: Date) throws -> Int {
        try sql.write { database in
            Int(try database.run("UPDATE invitations SET revoked_at = ? WHERE volunteer = ? AND revoked_at IS NULL",
                                 [Timestamp.string(now), volunteer]))
        }
    }

    public func invitation(tokenSHA256: String) throws -> Invitation? {
        try sql.read { database in
            try database.query("""
                SELECT id, volunteer, token_sha256, created_at FROM invitations WHERE token_sha256 = ? AND revoked_at IS NULL
                """, [tokenSHA256]) { row in
                Invitation(id: row.int(0) ?? 0, volunteer: row.string(1) ?? "", tokenSHA256: row.string(2) ?? "",
                           createdAt: row.requiredDate(3))
            }.first
        }
    }
}
