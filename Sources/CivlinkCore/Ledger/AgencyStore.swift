/// How each agency is reached, as configured with `civlink agency add`.
extension Ledger {
    private static let agencyColumns = "code, transport, target, token_file, client_cert, client_key, ca_file, proxy, spool_group, timeout_seconds"

    private static func endpoint(from row: Row) throws -> AgencyEndpoint {
        try AgencyEndpoint(code: row.string("code"), kind: AgencyEndpoint.Kind(rawValue: row.string("transport")) ?? .spool,
                           target: row.string("target"), tokenFile: row["token_file"].string, clientCertificate: row["client_cert"].string,
                           clientKey: row["client_key"].string, caFile: row["ca_file"].string, proxy: row["proxy"].string,
                           spoolGroup: row["spool_group"].string, timeoutSeconds: row["timeout_seconds"].int ?? 30)
    }

    public func agencies() throws -> [AgencyEndpoint] {
        try database.query("SELECT \(Ledger.agencyColumns) FROM agencies ORDER BY code").map(Ledger.endpoint(from:))
    }

    public func agency(_ code: String) throws -> AgencyEndpoint? {
        try database.queryFirst("SELECT \(Ledger.agencyColumns) FROM agencies WHERE code = ?", [.text(code)]).map(Ledger.endpoint(from:))
    }

    /// Adds or replaces an agency's transport.
    public func saveAgency(_ endpoint: AgencyEndpoint, now: Timestamp) throws {
        try write {
            try database.run("""
                INSERT INTO agencies(code, transport, target, token_file, client_cert, client_key, ca_file, proxy, spool_group,
                                     timeout_seconds, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(code) DO UPDATE SET transport = excluded.transport, target = excluded.target,
                    token_file = excluded.token_file, client_cert = excluded.client_cert, client_key = excluded.client_key,
                    ca_file = excluded.ca_file, proxy = excluded.proxy, spool_group = excluded.spool_group,
                    timeout_seconds = excluded.timeout_seconds
                """, [.text(endpoint.code), .text(endpoint.kind.rawValue), .text(endpoint.target), SQLValue(endpoint.tokenFile),
                      SQLValue(endpoint.clientCertificate), SQLValue(endpoint.clientKey), SQLValue(endpoint.caFile),
                      SQLValue(endpoint.proxy), SQLValue(endpoint.spoolGroup), .integer(Int64(endpoint.timeoutSeconds)),
                      .integer(now.seconds)])
        }
    }

    public func removeAgency(_ code: String) throws {
        try write {
            try database.run("DELETE FROM agencies WHERE code = ?", [.text(code)])
            if database.changes == 0 { throw Failure(.notFound, "no agency \(code) configured") }
        }
    }
}
