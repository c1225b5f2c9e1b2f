#!/usr/bin/env bash
# Benchmark (not a test): `civlink register ID...` over N received dossiers against the sqlite3
# CLI making the same updates in one transaction.
#   bench/lifecycle.sh [N]      N received births registered in one run (default 100000)
# The ledger is filled with `receive-birth --batch`; a copy is kept before registering. civlink
# then registers every id (read from standard input). The baseline applies, to the copy, exactly
# the changes civlink made: each dossier's state, register number and time, each changed
# procedure's state and times, the events and the chain head, as UPDATE and INSERT statements run
# by the sqlite3 CLI in one transaction. Ratio: civlink's dossiers/s over the baseline's. Floor 0.5.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-100000}
swift build -c release --product civlink --package-path "$here/.." >/dev/null
civlink="$(swift build -c release --package-path "$here/.." --show-bin-path)/civlink"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CIVLINK_NOW=2026-11-20T10:00:00+07:00 CIVLINK_ACTOR=bench

python3 "$here/gen-births.py" "$n" > "$work/births.jsonl"
"$civlink" init --ledger "$work/civlink.db" >/dev/null
"$civlink" receive-birth --batch --ledger "$work/civlink.db" "$work/births.jsonl" \
  | sed -n 's/^{"format":"civlink.dossier\/1","id":"\([^"]*\)".*/\1/p' > "$work/ids"
received=$(wc -l < "$work/ids")
[ "$received" -eq "$n" ] || { echo "only $received of $n received" >&2; exit 1; }
sqlite3 "$work/civlink.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$work/civlink.db" "$work/baseline.db"
events_before=$(sqlite3 "$work/civlink.db" "SELECT max(seq) FROM events;")
now() { date +%s.%N; }

t0=$(now)
/usr/bin/time -f '%M' -o "$work/rss" "$civlink" register --ledger "$work/civlink.db" - < "$work/ids" > "$work/decisions.jsonl"
t1=$(now)
registered=$(grep -c '"action":"register"' "$work/decisions.jsonl")
[ "$registered" -eq "$n" ] || { echo "only $registered of $n registered" >&2; exit 1; }

# The same changes, as SQL, from what civlink wrote.
{
  echo "BEGIN;"
  sqlite3 "$work/civlink.db" "SELECT printf('UPDATE dossiers SET state = %Q, register_year = %d, register_no = %d, registered_at = %d WHERE id = %Q;',
                                            state, register_year, register_no, registered_at, id) FROM dossiers;"
  sqlite3 "$work/civlink.db" "SELECT printf('UPDATE procedures SET state = %Q, since = %d, ready_at = %s, completed_at = %s WHERE dossier_id = %Q AND code = %Q;',
                                            state, since, quote(ready_at), quote(completed_at), dossier_id, code)
                              FROM procedures WHERE code IN ('birth-registration', 'certificate-copy', 'personal-id');"
  sqlite3 "$work/civlink.db" ".mode insert events" "SELECT * FROM events WHERE seq > $events_before;"
  sqlite3 "$work/civlink.db" "SELECT printf('UPDATE settings SET value = %Q WHERE key = ''audit.head'';', value) FROM settings WHERE key = 'audit.head';"
  echo "COMMIT;"
} > "$work/changes.sql"
t2=$(now)
sqlite3 "$work/baseline.db" < "$work/changes.sql"
t3=$(now)
# Both ledgers now hold the same rows.
for db in civlink baseline; do
  sqlite3 "$work/$db.db" "SELECT count(*), sum(register_no) FROM dossiers WHERE state = 'registered';
                          SELECT count(*) FROM procedures WHERE state = 'ready'; SELECT count(*) FROM events;" > "$work/$db.check"
done
cmp -s "$work/civlink.check" "$work/baseline.check" || { echo "the baseline did not reproduce civlink's changes" >&2; exit 1; }

python3 - "$n" "$t0" "$t1" "$t2" "$t3" "$(cat "$work/rss")" <<'PY'
import os, sys
n, t0, t1, t2, t3 = int(sys.argv[1]), *map(float, sys.argv[2:6])
rss_kb = int(sys.argv[6])
civ = n / (t1 - t0)
base = n / (t3 - t2)
print(f"{'figure':42} {'civlink':>12} {'baseline':>12} {'ratio':>7} {'floor':>7}")
print(f"{'register ID..., dossiers/s':42} {civ:12.0f} {base:12.0f} {civ/base:7.2f} {'>=0.50':>7}")
print(f"{'register ID..., peak memory MiB':42} {rss_kb/1024:12.1f} {'':>12} {'':>7} {'':>7}")
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        f.write(f"register ID... {n} received dossiers, dossiers/s\t{civ:.0f}\t{base:.0f}\t{civ/base:.2f}\t>=0.5\n")
        f.write(f"register ID... peak memory, MiB\t{rss_kb/1024:.1f}\t-\t-\t-\n")
PY
