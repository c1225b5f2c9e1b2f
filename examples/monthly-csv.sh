#!/usr/bin/env bash
# Exports one month's province statistics as CSV for a spreadsheet, with its chart.
#
#   examples/monthly-csv.sh [YYYY-MM] [PROVINCE]      # default: last month, every province
#
# Uses $CIVLINK_LEDGER (or ./civlink.db) and civlink from $PATH (else builds it). Writes
# report-YYYY-MM[-PP].csv for a spreadsheet program in Vietnamese (headings in Vietnamese, decimal
# commas, commune codes kept as text, a byte order mark; counts below 5, and what would reveal
# them, hidden) and report-YYYY-MM[-PP].svg, a 16:9 slide, in the current directory. SPREADSHEET=en
# for an English spreadsheet.
set -euo pipefail
month=${1:-$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)}
province=${2:-}
[[ $month =~ ^[0-9]{4}-(0[1-9]|1[0-2])$ ]] || { echo "month must be YYYY-MM" >&2; exit 64; }
from=$month-01
to=$(date -d "$from +1 month -1 day" +%Y-%m-%d)
civlink=$(command -v civlink || true)
if [ -z "$civlink" ]; then
    root=$(cd "$(dirname "$0")/.." && pwd)
    (cd "$root" && swift build -c release --product civlink >&2)
    civlink=$(cd "$root" && swift build -c release --show-bin-path)/civlink
fi
name=report-$month${province:+-$province}
scope=()
[ -n "$province" ] && scope=(--province "$province")
"$civlink" report --from "$from" --to "$to" "${scope[@]}" --by system,procedure \
    --format csv --spreadsheet "${SPREADSHEET:-vi}" --suppress-below 5 --chart "$name.svg" > "$name.csv"
echo "wrote $name.csv and $name.svg ($from to $to)" >&2
