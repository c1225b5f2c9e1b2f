#!/usr/bin/env bash
# Benchmark (not a test): `civlink report --by system,procedure,month` on a generated ledger of
# 10M procedures (2.5M dossiers, 4 procedures each) against the equivalent raw sqlite3 queries.
#
#   bench/report.sh [DOSSIERS]        # default 2500000; keep the ledger with KEEP=1
#
# The ledger has the real schema (made by `civlink init`); rows are generated directly in SQL with
# recursive CTEs. "Equivalent raw queries" = the same aggregates civlink computes (the systems'
# records GROUP BY, the overdue records by holder, the whole records of the total row and the
# timing histograms), run by the sqlite3 CLI; the counts GROUP BY alone is timed too. Floor: civlink <= 1.3x the equivalent raw queries. Peak memory from /usr/bin/time -v.
set -euo pipefail
cd "$(dirname "$0")/.."
DOSSIERS=${1:-2500000}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 69; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 69; }
BIN=${CIVLINK:-$(scripts/build-release.sh)}
WORK=$(mktemp -d)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
DB=$WORK/bench.db
export CIVLINK_NOW=2026-11-20T09:30:00+07:00
"$BIN" init --ledger "$DB" >&2

echo "generating $DOSSIERS dossiers, $((DOSSIERS * 4)) procedures in $DB ..." >&2
start=$(date +%s.%N)
sqlite3 "$DB" <<SQL
.output /dev/null
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;
BEGIN;
-- Dossiers received from 2023-07-10 to 2025-11-19, 80% births; 34 provinces, 3000 communes.
INSERT INTO dossiers(id, grp, state, channel, province, commune, register_year, register_no, received_at, registered_at, event_date, late,
                     duplicate_key, document_key, reference, declaration, benefit)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $DOSSIERS)
SELECT printf('%s%09d', CASE WHEN i % 5 = 0 THEN 'D' ELSE 'B' END, i),
       CASE WHEN i % 5 = 0 THEN 'death' ELSE 'birth' END, 'registered', CASE WHEN i % 3 = 0 THEN 'online' ELSE 'desk' END,
       printf('%02d', 1 + i % 34), printf('%05d', 10000 + i % 3000),
       2023 + i * 3 / $DOSSIERS, i,
       1688954400 + i * (1763520000 - 1688954400) / $DOSSIERS,
       1688954400 + i * (1763520000 - 1688954400) / $DOSSIERS + 600,
       '2023-07-01', 0, 'dup' || i, 'doc' || i, NULL, '{}', '{}'
FROM n;
-- Four procedures per dossier: registration (done), copy (done), and two agency steps whose state
-- depends on a hash of the dossier: 70% completed, 10% sent, 10% rejected, 10% stuck.
INSERT INTO procedures(dossier_id, code, position, agency, state, waits_on, since, deadline_days, deadline,
                       result, ready_at, completed_at, attempts, sent_at, answered_at)
SELECT d.id, s.code, s.pos, s.agency,
       CASE WHEN s.pos < 2 THEN 'done' ELSE CASE (d.rowid * 7 + s.pos) % 10 WHEN 7 THEN 'sent' WHEN 8 THEN 'rejected' WHEN 9 THEN 'stuck' ELSE 'completed' END END,
       '', d.registered_at, s.days,
       date(d.received_at + 25200 + 86400 * (s.days + s.days / 5 * 2), 'unixepoch'),
       NULL, d.registered_at,
       CASE WHEN s.pos < 2 OR (d.rowid * 7 + s.pos) % 10 < 7 THEN d.registered_at + (s.pos * 3600) + ((d.rowid * 13 + s.pos) % 72) * 3600 END,
       1,
       CASE WHEN s.pos >= 2 AND (d.rowid * 7 + s.pos) % 10 <> 9 THEN d.registered_at + 60 END,
       CASE WHEN s.pos >= 2 AND (d.rowid * 7 + s.pos) % 10 IN (0, 1, 2, 3, 4, 5, 6, 8) THEN d.registered_at + 60 + ((d.rowid * 11 + s.pos) % 48) * 3600 END
FROM dossiers d JOIN (
      SELECT 'birth' AS grp, 0 AS pos, 'birth-registration' AS code, 'civil-status' AS agency, 0 AS days
UNION ALL SELECT 'birth', 1, 'certificate-copy', 'civil-status', 0
UNION ALL SELECT 'birth', 2, 'personal-id', 'population', 1
UNION ALL SELECT 'birth', 3, 'health-insurance-card', 'social-insurance', 2
UNION ALL SELECT 'death', 0, 'death-registration', 'civil-status', 0
UNION ALL SELECT 'death', 1, 'certificate-copy', 'civil-status', 0
UNION ALL SELECT 'death', 2, 'residence-deletion', 'residence', 2
UNION ALL SELECT 'death', 3, 'funeral-allowance', 'social-insurance', 5
) s ON s.grp = d.grp
ORDER BY d.id, s.code;
COMMIT;
PRAGMA journal_mode = WAL;
.output stdout
ANALYZE;
SQL
echo "generated in $(echo "$(date +%s.%N) - $start" | bc) s; $(sqlite3 "$DB" 'SELECT count(*) FROM procedures') procedures, $(du -h "$DB" | cut -f1)" >&2

FROM_S=$(date -d 2023-01-01T00:00:00+07:00 +%s); TO_S=$(date -d 2027-01-01T00:00:00+07:00 +%s)
WHERE="d.received_at >= $FROM_S AND d.received_at < $TO_S"
# The aggregates civlink computes (Ledger/ReportQueries.swift), for the same period and "now":
# the systems' records by system, procedure and month; the overdue records under the system that
# holds them (through the partial index over open procedures); the whole records for the total row;
# the timing histograms.
FINAL="('done', 'completed', 'refused', 'cancelled')"
RUNNING="('waiting', 'ready', 'sent', 'accepted', 'rejected', 'stuck')"
COUNTS="SELECT p.agency, p.code, strftime('%Y-%m', d.received_at + 25200, 'unixepoch'), count(*),
  sum(p.agency = 'civil-status' OR p.sent_at IS NOT NULL), sum(p.state IN ('done', 'completed')),
  sum((p.agency = 'civil-status' OR p.sent_at IS NOT NULL) AND p.state IN ('waiting', 'ready', 'sent', 'accepted')),
  sum(p.state = 'returned' AND p.deadline >= '2026-11-20'), sum(p.state = 'refused' OR (p.state = 'returned' AND p.deadline < '2026-11-20')),
  sum(p.state IN ('cancelled', 'voiding')), sum(p.state = 'rejected'), sum(p.state = 'stuck'),
  sum(p.state = 'done' AND d.late = 1 AND p.code IN ('birth-registration', 'death-registration')),
  sum(p.state IN ('done', 'completed') AND date(p.completed_at + 25200, 'unixepoch') <= p.deadline)
FROM dossiers d JOIN procedures p ON p.dossier_id = d.id WHERE $WHERE AND p.code NOT IN ('certificate-copy') GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;"
OVERDUE="SELECT (CASE WHEN p.state IN ('sent', 'accepted') THEN p.agency
    WHEN p.state = 'waiting' AND NOT EXISTS (SELECT 1 FROM procedures q WHERE q.dossier_id = p.dossier_id
      AND instr(',' || p.waits_on || ',', ',' || q.code || ',') > 0 AND q.state NOT IN ('done', 'completed') AND q.state NOT IN ('sent', 'accepted'))
    THEN COALESCE((SELECT q.agency FROM procedures q WHERE q.dossier_id = p.dossier_id AND instr(',' || p.waits_on || ',', ',' || q.code || ',') > 0
      AND q.state IN ('sent', 'accepted') ORDER BY q.position LIMIT 1), 'civil-status') ELSE 'civil-status' END),
  (CASE WHEN p.code IN ('certificate-copy') THEN (CASE d.grp WHEN 'birth' THEN 'birth-registration' ELSE 'death-registration' END) ELSE p.code END),
  strftime('%Y-%m', d.received_at + 25200, 'unixepoch'), count(DISTINCT p.dossier_id)
FROM procedures p JOIN dossiers d ON d.id = p.dossier_id
WHERE p.state IN $RUNNING AND p.state NOT IN $FINAL AND p.deadline < '2026-11-20' AND $WHERE AND d.state NOT IN ('returned') GROUP BY 1, 2, 3;"
RECORDS="SELECT count(*), count(*), sum(r.state = 'registered' AND r.unprocessed = 0),
  sum(r.state = 'received' OR (r.state = 'registered' AND r.unprocessed > 0)), sum(r.state = 'returned' AND r.expired = 0),
  sum(r.state = 'refused' OR (r.state = 'returned' AND r.expired = 1)), sum(r.state = 'cancelled'), sum(r.overdue), sum(r.rejected), sum(r.stuck),
  sum(r.late = 1 AND r.state = 'registered'), sum(r.state = 'registered' AND r.unprocessed = 0 AND r.overran = 0)
FROM (SELECT d.state AS state, d.late AS late,
    sum(p.state NOT IN ('done', 'completed') AND p.state NOT IN ('cancelled', 'voiding')) AS unprocessed,
    max(p.state IN $RUNNING AND p.deadline < '2026-11-20' AND d.state NOT IN ('returned')) AS overdue,
    max(p.state = 'rejected') AS rejected, max(p.state = 'stuck') AS stuck, max(p.state = 'returned' AND p.deadline < '2026-11-20') AS expired,
    sum(p.state IN ('done', 'completed') AND date(p.completed_at + 25200, 'unixepoch') > p.deadline) AS overran
  FROM dossiers d JOIN procedures p ON p.dossier_id = d.id WHERE $WHERE
  GROUP BY d.received_at, d.province, d.commune, d.grp, d.state, d.late, d.registered_at, d.id) r;"
TIMINGS="SELECT 'personal-id-return', NULL, p.completed_at - d.registered_at AS s, count(*) FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
  WHERE $WHERE AND p.code = 'personal-id' AND p.state IN ('done', 'completed') AND p.completed_at IS NOT NULL AND d.registered_at IS NOT NULL GROUP BY 3
UNION ALL SELECT 'registration-to-signed-copy', NULL, p.completed_at - d.registered_at, count(*) FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
  WHERE $WHERE AND p.code IN ('certificate-copy') AND p.state IN ('done', 'completed') AND p.completed_at IS NOT NULL AND d.registered_at IS NOT NULL GROUP BY 3
UNION ALL SELECT 'answer', p.agency, p.answered_at - p.sent_at, count(*) FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
  WHERE $WHERE AND p.sent_at IS NOT NULL AND p.answered_at IS NOT NULL GROUP BY 2, 3
UNION ALL SELECT 'declaration-to-last-result', NULL, s, count(*) FROM (SELECT max(p.completed_at) - d.received_at AS s
  FROM dossiers d JOIN procedures p ON p.dossier_id = d.id WHERE $WHERE AND d.state = 'registered' AND p.state NOT IN ('cancelled', 'voiding')
  GROUP BY d.received_at, d.province, d.commune, d.grp, d.state, d.late, d.registered_at, d.id
  HAVING sum(p.state NOT IN ('done', 'completed') OR p.completed_at IS NULL) = 0) GROUP BY 3;"

secs() { local s; s=$(date +%s.%N); "$@" > /dev/null; echo "$(date +%s.%N) - $s" | bc; }
sqlite3 "$DB" "SELECT count(*) FROM procedures" > /dev/null   # warm the page cache
raw_counts=$(secs sqlite3 "$DB" "$COUNTS")
raw_all=$(secs sqlite3 "$DB" "$COUNTS $OVERDUE $RECORDS $TIMINGS")
/usr/bin/time -v -o "$WORK/time.txt" "$BIN" report --ledger "$DB" --by system,procedure,month --from 2023-01-01 --to 2026-12-31 \
    --format csv > "$WORK/report.csv" 2> "$WORK/err.txt" || { cat "$WORK/err.txt" >&2; exit 1; }
civ=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$WORK/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
echo "procedures:                         $(sqlite3 "$DB" 'SELECT count(*) FROM procedures')"
echo "report rows:                        $(($(wc -l < "$WORK/report.csv") - 2))"
echo "raw sqlite3 counts GROUP BY:        ${raw_counts} s"
echo "raw sqlite3 counts + timing queries: ${raw_all} s  (the equivalent of what civlink computes)"
echo "civlink report:                     ${civ} s"
echo "ratio civlink / equivalent raw:     $(echo "scale=2; $civ / $raw_all" | bc)  (floor: <= 1.3)"
echo "ratio civlink / counts-only raw:    $(echo "scale=2; $civ / $raw_counts" | bc)"
echo "civlink peak memory (max RSS):      ${rss} KB"
if [ -n "${BENCH_TSV:-}" ]; then
  procs=$(sqlite3 "$DB" 'SELECT count(*) FROM procedures')
  printf 'report --by system,procedure,month on %s procedures, s\t%s\t%s\t%s\t<=1.3\n' "$procs" "$civ" "$raw_all" \
    "$(echo "scale=2; $civ / $raw_all" | bc)" >> "$BENCH_TSV"
  printf 'report peak memory, MiB\t%s\t-\t-\t-\n' "$(( rss / 1024 ))" >> "$BENCH_TSV"
fi
