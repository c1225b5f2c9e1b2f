#!/usr/bin/env bash
# Benchmark (not a test): registration throughput against the sqlite3 CLI (status latency is
# bench/startup.sh's).
#   bench/register.sh [N]      N births in one batch (default 100000)
# Prints dossiers/s, peak memory and the sqlite3 CLI inserting the same rows in one transaction;
# the ratio is civlink / baseline.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-100000}
civlink=${CIVLINK:-$("$here/../scripts/build-release.sh")}
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

# Baseline: the sqlite3 CLI inserting the very same rows (the dossiers, their procedures, search
# keys, the events: those of the dossiers and the rows events) into a fresh ledger with the same
# schema, in one transaction.
"$civlink" init --ledger "$work/baseline.db" >/dev/null
sqlite3 "$work/baseline.db" "DELETE FROM events;" "DELETE FROM settings;"
sqlite3 "$work/baseline.db" "SELECT name FROM sqlite_master WHERE name = 'log_nodes'" | grep -q log_nodes && sqlite3 "$work/baseline.db" "DELETE FROM log_nodes;"
{
  echo "BEGIN;"
  sqlite3 "$work/civlink.db" ".mode insert dossiers" "SELECT * FROM dossiers;"
  sqlite3 "$work/civlink.db" ".mode insert procedures" "SELECT * FROM procedures;"
  sqlite3 "$work/civlink.db" ".mode insert events" "SELECT * FROM events;"
  sqlite3 "$work/civlink.db" ".mode insert search_keys" "SELECT * FROM search_keys;"
  echo "COMMIT;"
} > "$work/rows.sql"
t2=$(now)
sqlite3 "$work/baseline.db" < "$work/rows.sql"
t3=$(now)

python3 - "$n" "$t0" "$t1" "$t2" "$t3" "$(cat "$work/rss")" <<'PY'
import os, sys
n, t0, t1, t2, t3 = int(sys.argv[1]), *map(float, sys.argv[2:6])
rss_kb = int(sys.argv[6])
civ = n / (t1 - t0)
base = n / (t3 - t2)
print(f"{'figure':42} {'civlink':>12} {'baseline':>12} {'ratio':>7} {'floor':>7}")
print(f"{'register --batch, dossiers/s':42} {civ:12.0f} {base:12.0f} {civ/base:7.2f} {'>=0.50':>7}")
print(f"{'register --batch, peak memory MiB':42} {rss_kb/1024:12.1f} {'':>12} {'':>7} {'':>7}")
# Rows for bench/run: figure, civlink, baseline, ratio, floor (">=x" or "<=x" on the ratio, or "-").
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        f.write(f"register --batch {n} births, dossiers/s\t{civ:.0f}\t{base:.0f}\t{civ/base:.2f}\t>=0.5\n")
        f.write(f"register --batch peak memory, MiB\t{rss_kb/1024:.1f}\t-\t-\t-\n")
PY
