#!/usr/bin/env bash
# Start-up benchmark (not a test): the installed kind of binary (scripts/build-release.sh), a
# whole process each time, against the sqlite3 CLI measured the same way in the same run:
#   `civlink --version`  against `sqlite3 --version`          (floor: at most 1.5x)
#   `civlink status ID`  against a sqlite3 point query         (floor: at most 2x)
# Times are medians over N runs, spawned by bench/spawn-timer.c. Also prints the binary's size.
#   N=400 bench/startup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-400}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
civlink=${CIVLINK:-$("$here/../scripts/build-release.sh")}
cc -O2 -o "$work/spawn-timer" "$here/spawn-timer.c"
export CIVLINK_NOW=2026-11-20T10:00:00+07:00 CIVLINK_ACTOR=bench CIVLINK_LEDGER="$work/civlink.db"

# A ledger of 10,000 dossiers; the dossier looked up is one of them.
python3 "$here/gen-births.py" 10000 > "$work/births.jsonl"
"$civlink" init >/dev/null
"$civlink" register-birth --batch "$work/births.jsonl" > "$work/dossiers.jsonl"
id=$(sed -n '5000s/^{"format":"civlink.dossier\/1","id":"\([^"]*\)".*/\1/p' "$work/dossiers.jsonl")
[ -n "$id" ] || { echo "no dossier registered" >&2; exit 1; }

version=$("$work/spawn-timer" "$N" "$civlink" --version)
sqlite_version=$("$work/spawn-timer" "$N" sqlite3 --version)
status=$("$work/spawn-timer" "$N" "$civlink" status "$id")
point=$("$work/spawn-timer" "$N" sqlite3 "$CIVLINK_LEDGER" "SELECT * FROM dossiers WHERE id = '$id'; SELECT * FROM procedures WHERE dossier_id = '$id'; SELECT * FROM events WHERE dossier_id = '$id';")
size=$(stat -c %s "$civlink")
stripped=$work/civlink-stripped
cp "$civlink" "$stripped" && strip --strip-debug "$stripped"
installed=$(stat -c %s "$stripped")

python3 - "$version" "$sqlite_version" "$status" "$point" "$size" "$installed" <<'PY'
import os, sys
version, sq_version, status, point = map(float, sys.argv[1:5])
size, installed = int(sys.argv[5]), int(sys.argv[6])
print(f"{'figure':44} {'civlink':>10} {'baseline':>10} {'ratio':>7} {'floor':>7}")
print(f"{'--version vs sqlite3 --version, ms':44} {version:10.2f} {sq_version:10.2f} {version/sq_version:7.2f} {'<=1.5':>7}")
print(f"{'status ID vs sqlite3 point query, ms':44} {status:10.2f} {point:10.2f} {status/point:7.2f} {'<=2':>7}")
print(f"{'binary size, MB (installed, debug info out)':44} {size/1e6:10.1f} {installed/1e6:10.1f}")
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        f.write(f"civlink --version vs sqlite3 --version, ms\t{version:.2f}\t{sq_version:.2f}\t{version/sq_version:.2f}\t<=1.5\n")
        f.write(f"status ID vs sqlite3 point query, ms\t{status:.2f}\t{point:.2f}\t{status/point:.2f}\t<=2\n")
        f.write(f"release binary size, MB (installed)\t{installed/1e6:.1f}\t-\t-\t-\n")
PY
