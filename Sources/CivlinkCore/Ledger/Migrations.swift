/// Schema migrations, numbered in order. The ledger's `PRAGMA user_version` is the number of the
/// last one applied; a later civlink appends, never edits, entries here. Public so that tests can
/// make a ledger as an older civlink left it.
public enum Migrations {
    public static let all: [(version: Int, sql: String)] = [
        (1, """
        CREATE TABLE settings(
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE dossiers(
            id TEXT PRIMARY KEY,
            grp TEXT NOT NULL CHECK (grp IN ('birth', 'death')),
            province TEXT NOT NULL,
            commune TEXT NOT NULL,
            register_year INTEGER NOT NULL,
            register_no INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            registered_at INTEGER NOT NULL,
            event_date TEXT NOT NULL,
            late INTEGER NOT NULL,
            duplicate_key TEXT NOT NULL,
            document_key TEXT NOT NULL,
            reference TEXT,
            declaration TEXT NOT NULL,
            benefit TEXT NOT NULL,
            UNIQUE (grp, commune, register_year, register_no)
        );
        CREATE UNIQUE INDEX dossiers_duplicate ON dossiers(duplicate_key);
        CREATE UNIQUE INDEX dossiers_document ON dossiers(grp, document_key);
        CREATE INDEX dossiers_commune ON dossiers(commune, received_at);
        CREATE TABLE procedures(
            dossier_id TEXT NOT NULL REFERENCES dossiers(id),
            code TEXT NOT NULL,
            position INTEGER NOT NULL,
            agency TEXT NOT NULL,
            state TEXT NOT NULL,
            waits_on TEXT NOT NULL,
            since INTEGER NOT NULL,
            deadline_days INTEGER NOT NULL,
            deadline TEXT NOT NULL,
            result TEXT,
            ready_at INTEGER,
            completed_at INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_attempt_at INTEGER,
            message_id TEXT,
            sent_at INTEGER,
            answered_at INTEGER,
            PRIMARY KEY (dossier_id, code)
        ) WITHOUT ROWID;
        CREATE INDEX procedures_state ON procedures(state, deadline);
        CREATE TABLE events(
            seq INTEGER PRIMARY KEY,
            dossier_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            procedure TEXT,
            detail TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX events_dossier ON events(dossier_id, seq);
        CREATE TABLE signed_copies(
            id INTEGER PRIMARY KEY,
            dossier_id TEXT NOT NULL REFERENCES dossiers(id),
            document TEXT NOT NULL,
            officer TEXT NOT NULL,
            signed_at INTEGER NOT NULL,
            revoked_at INTEGER,
            revocation_reason TEXT
        );
        CREATE INDEX signed_copies_dossier ON signed_copies(dossier_id, id);
        """),
        // Signing (issue 3): officers and their certificates, the signature of each copy, the chain head.
        (2, """
        CREATE TABLE officers(
            name TEXT NOT NULL,
            commune TEXT NOT NULL,
            role TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            PRIMARY KEY (name, commune)
        );
        CREATE TABLE certificates(
            fingerprint TEXT PRIMARY KEY,
            officer TEXT NOT NULL,
            commune TEXT,
            role TEXT,
            subject TEXT NOT NULL,
            issuer TEXT NOT NULL,
            not_before INTEGER NOT NULL,
            not_after INTEGER NOT NULL,
            chain_pem TEXT NOT NULL,
            recorded_at INTEGER NOT NULL
        );
        ALTER TABLE signed_copies ADD COLUMN signature_sha256 TEXT;
        ALTER TABLE signed_copies ADD COLUMN certificate TEXT;
        """),
        (3, """
        CREATE TABLE agencies(
            code TEXT PRIMARY KEY,
            transport TEXT NOT NULL CHECK (transport IN ('spool', 'http')),
            target TEXT NOT NULL,
            token_file TEXT,
            client_cert TEXT,
            client_key TEXT,
            timeout_seconds INTEGER NOT NULL DEFAULT 30,
            added_at INTEGER NOT NULL
        );
        CREATE TABLE messages(
            id TEXT PRIMARY KEY,
            dossier_id TEXT NOT NULL REFERENCES dossiers(id),
            procedure TEXT NOT NULL,
            agency TEXT NOT NULL,
            supersedes TEXT,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER
        );
        CREATE INDEX messages_procedure ON messages(dossier_id, procedure);
        CREATE TABLE receipts(
            id INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL REFERENCES messages(id),
            status TEXT NOT NULL,
            digest TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            source TEXT NOT NULL,
            received_at INTEGER NOT NULL
        );
        CREATE INDEX receipts_message ON receipts(message_id);
        CREATE TABLE quarantine(
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            reason TEXT NOT NULL,
            digest TEXT NOT NULL UNIQUE,
            body BLOB NOT NULL,
            received_at INTEGER NOT NULL
        );
        CREATE INDEX procedures_transfer ON procedures(state, next_attempt_at);
        """),
        // 4 (report): a covering index so a report scans the period's dossiers in received_at
        // order without touching the table, then reaches their procedures by primary key.
        (4, """
        CREATE INDEX dossiers_report ON dossiers(received_at, province, commune, registered_at, id);
        """),
        // 5 (signing speed): a signed copy is stored as its parts, not as the whole document. The
        // protected header (the officer's chain and the signing time) is the same for every copy of
        // a batch, so it is kept once in jws_headers; a row keeps the copy's canonical form and the
        // signature, a third of the bytes. Copies signed before keep their stored document.
        // Procedures are looked up by state only while open (stuck, accepted, ready to send,
        // overdue), so one partial index over open procedures replaces the two full ones: a
        // procedure that finishes leaves it instead of moving within two, and it stays small as
        // the ledger grows. Queries that use it repeat its condition, as SQLite requires.
        (5, """
        DROP INDEX IF EXISTS procedures_state;
        DROP INDEX IF EXISTS procedures_transfer;
        CREATE INDEX IF NOT EXISTS procedures_open ON procedures(state, deadline) WHERE state NOT IN ('done', 'completed');
        CREATE TABLE IF NOT EXISTS jws_headers(
            id INTEGER PRIMARY KEY,
            protected TEXT NOT NULL UNIQUE
        );
        CREATE TABLE signed_copies_v5(
            id INTEGER PRIMARY KEY,
            dossier_id TEXT NOT NULL REFERENCES dossiers(id),
            document TEXT,
            officer TEXT NOT NULL,
            signed_at INTEGER NOT NULL,
            revoked_at INTEGER,
            revocation_reason TEXT,
            signature_sha256 TEXT,
            certificate TEXT,
            payload TEXT,
            header_id INTEGER REFERENCES jws_headers(id),
            signature TEXT,
            CHECK (document IS NOT NULL OR (payload IS NOT NULL AND header_id IS NOT NULL AND signature IS NOT NULL))
        );
        INSERT INTO signed_copies_v5(id, dossier_id, document, officer, signed_at, revoked_at, revocation_reason, signature_sha256, certificate)
            SELECT id, dossier_id, document, officer, signed_at, revoked_at, revocation_reason, signature_sha256, certificate FROM signed_copies;
        DROP TABLE signed_copies;
        ALTER TABLE signed_copies_v5 RENAME TO signed_copies;
        CREATE INDEX signed_copies_dossier ON signed_copies(dossier_id, id);
        """),
        // 6 (hardened channel): agencies get a private CA, a proxy and a spool group; quarantine
        // rows name the message and agency they answer, keep the size, a digest and only a
        // bounded prefix of the body (older rows are cut to it), and can be cleared by a person.
        (6, """
        ALTER TABLE agencies ADD COLUMN ca_file TEXT;
        ALTER TABLE agencies ADD COLUMN proxy TEXT;
        ALTER TABLE agencies ADD COLUMN spool_group TEXT;
        ALTER TABLE quarantine ADD COLUMN message_id TEXT;
        ALTER TABLE quarantine ADD COLUMN agency TEXT;
        ALTER TABLE quarantine ADD COLUMN size INTEGER;
        ALTER TABLE quarantine ADD COLUMN cleared_at INTEGER;
        ALTER TABLE quarantine ADD COLUMN cleared_by TEXT;
        UPDATE quarantine SET message_id = json_extract(CAST(body AS TEXT), '$.message_id')
            WHERE json_valid(CAST(body AS TEXT)) AND json_type(CAST(body AS TEXT), '$.message_id') = 'text';
        UPDATE quarantine SET agency = (SELECT agency FROM messages WHERE messages.id = quarantine.message_id);
        UPDATE quarantine SET agency = substr(source, 6) WHERE agency IS NULL AND source LIKE 'http:%';
        UPDATE quarantine SET size = length(body), body = substr(body, 1, 4096);
        ALTER TABLE quarantine RENAME COLUMN body TO prefix;
        """),
        // 7 (the life of a record): a dossier has a state and the channel it came through; a
        // received one has no register number yet, so the register columns become nullable, which
        // SQLite can only do by rebuilding the table (foreign keys off around it, see
        // `rebuildsTables`; every row keeps its rowid, hence its order). Duplicate keys are held
        // only by dossiers that are not refused or cancelled (DossierState.finalStates), and the
        // report's covering index gains the state, group and late flag. Procedures gain the
        // refused and cancelled final states (ProcedureState.finalStates), so procedures_open is
        // recreated with the new list; messages gain their kind (request, update, void) and a
        // procedure the kind of its next message.
        (7, """
        CREATE TABLE dossiers_v7(
            id TEXT PRIMARY KEY,
            grp TEXT NOT NULL CHECK (grp IN ('birth', 'death')),
            state TEXT NOT NULL,
            channel TEXT NOT NULL,
            province TEXT NOT NULL,
            commune TEXT NOT NULL,
            register_year INTEGER,
            register_no INTEGER,
            received_at INTEGER NOT NULL,
            registered_at INTEGER,
            event_date TEXT NOT NULL,
            late INTEGER NOT NULL,
            duplicate_key TEXT NOT NULL,
            document_key TEXT NOT NULL,
            reference TEXT,
            declaration TEXT NOT NULL,
            benefit TEXT NOT NULL,
            UNIQUE (grp, commune, register_year, register_no),
            CHECK ((register_year IS NULL) = (register_no IS NULL))
        );
        INSERT INTO dossiers_v7(rowid, id, grp, state, channel, province, commune, register_year, register_no, received_at, registered_at,
                                event_date, late, duplicate_key, document_key, reference, declaration, benefit)
            SELECT rowid, id, grp, 'registered', 'desk', province, commune, register_year, register_no, received_at, registered_at,
                   event_date, late, duplicate_key, document_key, reference, declaration, benefit FROM dossiers;
        DROP TABLE dossiers;
        ALTER TABLE dossiers_v7 RENAME TO dossiers;
        CREATE UNIQUE INDEX dossiers_duplicate ON dossiers(duplicate_key) WHERE state NOT IN ('refused', 'cancelled');
        CREATE UNIQUE INDEX dossiers_document ON dossiers(grp, document_key) WHERE state NOT IN ('refused', 'cancelled');
        CREATE INDEX dossiers_commune ON dossiers(commune, received_at);
        CREATE INDEX dossiers_report ON dossiers(received_at, province, commune, grp, state, late, registered_at, id);
        DROP INDEX IF EXISTS procedures_open;
        CREATE INDEX procedures_open ON procedures(state, deadline) WHERE state NOT IN ('done', 'completed', 'refused', 'cancelled');
        ALTER TABLE procedures ADD COLUMN next_kind TEXT;
        ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'request';
        """),
        // 8 (search): the keys `civlink find` looks dossiers up by, written by one function
        // (`storeSearchKeys`) at registration and whenever a dossier's persons change: personal
        // ID numbers, names (whole, or as three variants that one typo leaves one of intact,
        // see NameMatch), document numbers and references. Existing dossiers are indexed when the
        // ledger is next opened read-write (`indexUnindexedDossiers`).
        (8, """
        CREATE TABLE IF NOT EXISTS search_keys(
            key TEXT NOT NULL,
            dossier_id TEXT NOT NULL REFERENCES dossiers(id),
            role TEXT NOT NULL,
            name TEXT,
            born TEXT,
            PRIMARY KEY (key, dossier_id, role)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS search_keys_dossier ON search_keys(dossier_id);
        INSERT OR IGNORE INTO settings(key, value) SELECT 'search.backfill', '0' WHERE EXISTS (SELECT 1 FROM dossiers);
        """),
        // 9 (desk cases): an officer's certificate can be revoked, with when and why; the
        // revocation list carries it and verifiers refuse copies signed from then on.
        (9, """
        CREATE TABLE IF NOT EXISTS certificate_revocations(
            fingerprint TEXT PRIMARY KEY REFERENCES certificates(fingerprint),
            revoked_at INTEGER NOT NULL,
            reason TEXT NOT NULL
        );
        """),
        // 10 (tamper evidence): the Merkle tree over the events (one row per stored node: the
        // hash of a perfect subtree, by level and index), the checkpoints issued, shipped and
        // cosigned, and the CA roots signing trusts. The Swift step after it (`startLog`) builds
        // the tree over the events already there, gives the ledger its id, origin and key, and
        // records the digests of every row as a baseline (civlink-log(5)).
        (10, """
        CREATE TABLE IF NOT EXISTS log_nodes(
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hash BLOB NOT NULL,
            PRIMARY KEY (level, idx)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS log_checkpoints(
            size INTEGER PRIMARY KEY,
            root TEXT NOT NULL,
            note TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            shipped_at INTEGER,
            witnessed_note TEXT,
            witnessed_at INTEGER
        );
        CREATE TABLE IF NOT EXISTS trusted_roots(
            fingerprint TEXT PRIMARY KEY,
            subject TEXT NOT NULL,
            not_after INTEGER NOT NULL,
            pem TEXT NOT NULL,
            recorded_at INTEGER NOT NULL
        );
        """),
        // 11 (province replication): a province ledger holds the replicas of its communes' records
        // (civlink-export(5)): the replicated tables gain the source ledger's origin (NULL for a
        // ledger's own rows, so their digests stay as they were), register numbers, duplicate and
        // document keys are unique within a source only (a duplicate across communes is a
        // finding, not a refusal), each source has its cursor (the last event imported, its hash,
        // the Merkle tree's right border there, the verifier key and the last checkpoint) and the
        // findings are kept. The Swift step after it (`addReplicaColumns`) adds the columns and
        // rebuilds dossiers (the register numbers' uniqueness is a table constraint, which SQLite
        // only changes by rebuilding the table, keeping every rowid and value, so every digest),
        // only where they are not there yet: a ledger whose version was set back migrates again.
        (11, """
        CREATE TABLE IF NOT EXISTS replica_sources(
            source TEXT PRIMARY KEY,
            verifier_key TEXT NOT NULL,
            key_origin TEXT NOT NULL CHECK (key_origin IN ('given', 'first-use')),
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL,
            border TEXT NOT NULL,
            checkpoint TEXT,
            first_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS replica_findings(
            dossier_id TEXT NOT NULL,
            source TEXT NOT NULL,
            other_dossier TEXT NOT NULL,
            other_source TEXT NOT NULL,
            kind TEXT NOT NULL,
            found_at INTEGER NOT NULL,
            PRIMARY KEY (dossier_id, other_dossier)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS replica_shipped(
            agency TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            shipped_at INTEGER NOT NULL
        );
        """),
    ]

    /// Migrations that rebuild a table other tables refer to: they run with foreign keys off
    /// (SQLite's and GRDB's procedure: off outside the transaction, rebuild, PRAGMA
    /// foreign_key_check before the commit, on again), since dropping the old table would
    /// otherwise delete through the references or fail.
    static let rebuildsTables: Set<Int> = [7, 11]

    /// The migration that gives a ledger its log (tree, key, row coverage).
    static let log = 10

    /// The migration after which the replicated tables get their source (`addReplicaColumns`).
    static let replicas = 11

    public static var latest: Int { all.map(\.version).max()! }

    /// In version order, whatever order branches appended them in.
    public static var ordered: [(version: Int, sql: String)] { all.sorted { $0.version < $1.version } }
}
