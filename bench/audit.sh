#!/usr/bin/env bash
# Benchmark (not a test): `civlink audit verify` over a ledger of about 1M events (N births
# registered and signed, default 500000: an event each for the registration and the signature,
# plus the rows events), in events/s, against the sqlite3 CLI reading the same rows (the events
# and every covered table); then the cost of `audit checkpoint` and `audit prove ID`, a process
# each, against a sqlite3 point query, a process each.
#   bench/audit.sh [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-500000}
civlink=${CIVLINK:-$("$here/../scripts/build-release.sh")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CIVLINK_LEDGER=$work/civlink.db CIVLINK_NOW=2026-11-20T10:00:00+07:00 CIVLINK_ACTOR=bench
now() { date +%s.%N; }

python3 "$here/gen-births.py" "$n" > "$work/births.jsonl"
"$civlink" init --training >/dev/null
"$civlink" register-birth --batch "$work/births.jsonl" > /dev/null
cd "$work"
"$civlink" ca init --dir ca --name "Bench CA" >/dev/null 2>&1
"$civlink" keygen --out officer.key --csr officer.csr --officer "Bench Officer" >/dev/null
# gen-births.py spreads births over communes 17986..17989: sign each commune's.
for commune in $(sqlite3 civlink.db "SELECT DISTINCT commune FROM dossiers"); do
  "$civlink" ca issue --dir ca --csr officer.csr --officer "Bench Officer" --commune "$commune" --role officer --out "officer-$commune.pem" >/dev/null
  "$civlink" sign --pending --key officer.key --cert "officer-$commune.pem" > /dev/null
done
events=$(sqlite3 civlink.db "SELECT count(*) FROM events")
rows=$(sqlite3 civlink.db "SELECT (SELECT count(*) FROM dossiers) + (SELECT count(*) FROM procedures) + (SELECT count(*) FROM signed_copies)")
echo "ledger: $events events, $rows dossier, procedure and signed-copy rows" >&2

# The page cache warm for both, as after the first run.
cat civlink.db civlink.db-wal > /dev/null 2>&1 || true
t0=$(now)
"$civlink" audit verify > /dev/null
t1=$(now)
tables="events dossiers procedures signed_copies jws_headers messages receipts quarantine officers certificates trusted_roots agencies settings"
{ for t in $tables; do echo "SELECT * FROM $t;"; done; } > read.sql
t2=$(now)
sqlite3 civlink.db < read.sql > /dev/null
t3=$(now)

"$civlink" audit checkpoint --out first.checkpoint
ids=$(sqlite3 civlink.db "SELECT id FROM dossiers ORDER BY random() LIMIT 20")
t4=$(now)
for i in $(seq 20); do "$civlink" audit checkpoint > /dev/null; done
t5=$(now)
for id in $ids; do "$civlink" audit prove "$id" --checkpoint first.checkpoint > /dev/null; done
t6=$(now)
for id in $ids; do sqlite3 civlink.db "SELECT * FROM events WHERE dossier_id = '$id';" > /dev/null; done
t7=$(now)
t8=$(now)
"$civlink" audit verify --checkpoint first.checkpoint > /dev/null
t9=$(now)

python3 - "$events" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$t6" "$t7" "$t8" "$t9" <<'PY'
import os, sys
events = int(sys.argv[1])
t = list(map(float, sys.argv[2:]))
verify, sqlite = t[1] - t[0], t[3] - t[2]
checkpoint_ms, prove_ms, query_ms = (t[5] - t[4]) / 20 * 1000, (t[6] - t[5]) / 20 * 1000, (t[7] - t[6]) / 20 * 1000
with_checkpoint = t[9] - t[8]
civ, base = events / verify, events / sqlite
print(f"{'figure':52} {'civlink':>12} {'baseline':>12} {'ratio':>7}")
print(f"{'audit verify, events/s':52} {civ:12.0f} {base:12.0f} {civ/base:7.2f}")
print(f"{'audit verify, s':52} {verify:12.2f} {sqlite:12.2f}")
print(f"{'audit verify --checkpoint, s':52} {with_checkpoint:12.2f}")
print(f"{'audit checkpoint (process), ms':52} {checkpoint_ms:12.2f} {query_ms:12.2f} {checkpoint_ms/query_ms:7.2f}")
print(f"{'audit prove ID (process), ms':52} {prove_ms:12.2f} {query_ms:12.2f} {prove_ms/query_ms:7.2f}")
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        f.write(f"audit verify {events} events, events/s vs sqlite3 reading the rows\t{civ:.0f}\t{base:.0f}\t{civ/base:.2f}\t-\n")
        f.write(f"audit checkpoint, ms vs sqlite3 point query\t{checkpoint_ms:.2f}\t{query_ms:.2f}\t{checkpoint_ms/query_ms:.2f}\t-\n")
        f.write(f"audit prove ID, ms vs sqlite3 point query\t{prove_ms:.2f}\t{query_ms:.2f}\t{prove_ms/query_ms:.2f}\t-\n")
PY
