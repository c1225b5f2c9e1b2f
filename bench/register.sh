#!/usr/bin/env bash
# Benchmark (not a test): registration throughput and status latency against the sqlite3 CLI.
#   bench/register.sh [N]      N births in one batch (default 100000)
# Prints dossiers/s, peak memory, the sqlite3 CLI inserting the same rows in one transaction, and
# `civlink status ID` against a sqlite3 point query; ratios are civlink / baseline.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-100000}
if [ -z "${CIVLINK_BIN:-}" ]; then
  swift build -c release --product civlink --package-path "$here/.." >/dev/null
  CIVLINK_BIN="$(swift build -c release --package-path "$here/.." --show-bin-path)/civlink"
fi
civlink=$CIVLINK_BIN
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CIVLINK_NOW=2026-11-20T10:00:00+07:00 CIVLINK_ACTOR=bench

python3 "$here/gen-births.py" "$n" > "$work/births.jsonl"
"$civlink" init --ledger "$work/civlink.db" >/dev/null
now() { date +%s.%N; }

t0=$(now)
/usr/bin/time -f '%M' -o "$work/rss" "$civlink" register-birth --batch --ledger "$work/civlink.db" "$work/births.jsonl" > "$work/dossiers.jsonl"
t1=$(now)
registered=$(wc -l < "$work/dossiers.jsonl")
[ "$registered" -eq "$n" ] || { echo "only $registered of $n registered" >&2; exit 1; }

# Baseline: the sqlite3 CLI inserting the very same rows (the dossiers, their procedures, the
# events: those of the dossiers and, with civlink 0.2, the rows events) into a fresh ledger with
# the same schema, in one transaction.
"$civlink" init --ledger "$work/baseline.db" >/dev/null
sqlite3 "$work/baseline.db" "DELETE FROM events;" "DELETE FROM settings;"
sqlite3 "$work/baseline.db" "SELECT name FROM sqlite_master WHERE name = 'log_nodes'" | grep -q log_nodes && sqlite3 "$work/baseline.db" "DELETE FROM log_nodes;"
{
  echo "BEGIN;"
  sqlite3 "$work/civlink.db" ".mode insert dossiers" "SELECT * FROM dossiers;"
  sqlite3 "$work/civlink.db" ".mode insert procedures" "SELECT * FROM procedures;"
  sqlite3 "$work/civlink.db" ".mode insert events" "SELECT * FROM events;"
  echo "COMMIT;"
} > "$work/rows.sql"
t2=$(now)
sqlite3 "$work/baseline.db" < "$work/rows.sql"
t3=$(now)

# Point look-ups: civlink status (a whole process each) against sqlite3 (a whole process each).
ids=$(sed -n 's/^{"format":"civlink.dossier\/1","id":"\([^"]*\)".*/\1/p' "$work/dossiers.jsonl" | shuf -n 200 --random-source=<(yes))
t4=$(now)
for id in $ids; do "$civlink" status "$id" --format json --ledger "$work/civlink.db" >/dev/null; done
t5=$(now)
for id in $ids; do sqlite3 "$work/civlink.db" "SELECT * FROM dossiers WHERE id = '$id'; SELECT * FROM procedures WHERE dossier_id = '$id'; SELECT * FROM events WHERE dossier_id = '$id';" >/dev/null; done
t6=$(now)

python3 - "$n" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$t6" "$(cat "$work/rss")" <<'PY'
import os, sys
n, t0, t1, t2, t3, t4, t5, t6 = int(sys.argv[1]), *map(float, sys.argv[2:9])
rss_kb = int(sys.argv[9])
civ = n / (t1 - t0)
base = n / (t3 - t2)
status_ms = (t5 - t4) / 200 * 1000
query_ms = (t6 - t5) / 200 * 1000
print(f"{'figure':42} {'civlink':>12} {'baseline':>12} {'ratio':>7} {'floor':>7}")
print(f"{'register --batch, dossiers/s':42} {civ:12.0f} {base:12.0f} {civ/base:7.2f} {'>=0.50':>7}")
print(f"{'register --batch, peak memory MiB':42} {rss_kb/1024:12.1f} {'':>12} {'':>7} {'':>7}")
print(f"{'status ID (process), ms':42} {status_ms:12.2f} {query_ms:12.2f} {status_ms/query_ms:7.2f} {'':>7}")
# Rows for bench/run: figure, civlink, baseline, ratio, floor (">=x" or "<=x" on the ratio, or "-").
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        f.write(f"register --batch {n} births, dossiers/s\t{civ:.0f}\t{base:.0f}\t{civ/base:.2f}\t>=0.5\n")
        f.write(f"register --batch peak memory, MiB\t{rss_kb/1024:.1f}\t-\t-\t-\n")
        f.write(f"status ID vs sqlite3 point query, ms\t{status_ms:.2f}\t{query_ms:.2f}\t{status_ms/query_ms:.2f}\t-\n")
PY
