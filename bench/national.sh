#!/usr/bin/env bash
# Seed 001's national flow (not a test), at a quarter and at the whole of its size: every birth
# and death the interconnected software had received by 5 September 2023 (78,767 dossiers), their
# copies signed, and 229,709 messages to the four agencies (population 72,175, residence 78,767,
# social insurance 73,409, social affairs 5,358) with as many receipts, the dependent procedures
# released as the personal ID numbers come back. Each phase is timed per message (per dossier for
# registering and signing) at both sizes; the floor is that the full size costs at most 20% more
# per message than the quarter, in every phase.
#   SCALES="0.25 1" bench/national.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
civlink=${CIVLINK:-$("$here/../scripts/build-release.sh")}
SCALES=${SCALES:-0.25 1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CIVLINK_NOW=2026-11-20T10:00:00+07:00 CIVLINK_ACTOR=bench
agencies="population residence social-insurance social-affairs"
now() { date +%s.%N; }
results=$work/results.tsv

run_scale() {
  local scale=$1 dir=$work/$1
  mkdir -p "$dir"
  export CIVLINK_LEDGER=$dir/civlink.db
  read -r births allowances supports < <(python3 "$here/gen-national.py" "$scale" "$dir/births.jsonl" "$dir/deaths.jsonl")
  local dossiers=$((births + allowances + supports))
  "$civlink" init --training > /dev/null   # a fixed clock (CIVLINK_NOW) dates the signatures
  for agency in $agencies; do "$civlink" agency add "$agency" --spool "$dir/spool/$agency" > /dev/null; done
  "$civlink" keygen --out "$dir/officer.key" --csr "$dir/officer.csr" --officer "Phạm Thị Lan" > /dev/null
  "$civlink" ca init --dir "$dir/ca" --name "Nghệ An Province CA" --province 40 > /dev/null
  "$civlink" ca issue --dir "$dir/ca" --csr "$dir/officer.csr" --officer "Phạm Thị Lan" --commune 17986 \
    --role "civil-status officer" --out "$dir/officer.pem" > /dev/null

  phase() {  # name, work count, command...
    local name=$1 count=$2; shift 2
    local t0 t1
    t0=$(now)
    "$@" > /dev/null
    t1=$(now)
    printf '%s\t%s\t%s\t%s\n' "$scale" "$name" "$count" "$(python3 -c "print($t1 - $t0)")" >> "$results"
    echo "   $scale $name: $count in $(python3 -c "print(round($t1 - $t0, 1))") s" >&2
  }
  simulate() { for agency in $agencies; do "$civlink" agency simulate --spool "$dir/spool/$agency"; done; }
  # Other communes' copies are signed by their own officers; here one officer signs for all.
  sign_all() { for commune in 17986 17987 17988 17989; do
      if [ "$commune" != 17986 ]; then
        "$civlink" ca issue --dir "$dir/ca" --csr "$dir/officer.csr" --officer "Phạm Thị Lan" --commune "$commune" \
          --role "civil-status officer" --out "$dir/officer-$commune.pem" > /dev/null
        "$civlink" sign --pending --key "$dir/officer.key" --cert "$dir/officer-$commune.pem"
      else
        "$civlink" sign --pending --key "$dir/officer.key" --cert "$dir/officer.pem"
      fi
    done; }

  echo "== scale $scale: $births births, $((allowances + supports)) deaths" >&2
  phase register "$dossiers" sh -c "'$civlink' register-birth --batch '$dir/births.jsonl' && '$civlink' register-death --batch '$dir/deaths.jsonl'"
  phase sign "$dossiers" sign_all
  # First messages: the personal IDs, and each death's residence deletion and funeral benefit.
  local first=$((births + 2 * (allowances + supports))) second=$((2 * births))
  phase send "$first" "$civlink" transfer
  phase answer "$first" simulate
  # Their receipts release each birth's residence registration and health-insurance card.
  phase receive-and-send "$((first + second))" "$civlink" transfer
  phase answer-released "$second" simulate
  phase receive "$second" "$civlink" transfer
  local open
  open=$(sqlite3 "$CIVLINK_LEDGER" "SELECT count(*) FROM procedures WHERE state NOT IN ('done', 'completed')")
  [ "$open" = 0 ] || { echo "scale $scale: $open procedures not final" >&2; exit 1; }
  local messages
  messages=$(sqlite3 "$CIVLINK_LEDGER" "SELECT count(*) FROM messages")
  [ "$messages" = $((first + second)) ] || { echo "scale $scale: $messages messages, expected $((first + second))" >&2; exit 1; }
  rm -rf "$dir"
}

for scale in $SCALES; do run_scale "$scale"; done

python3 - "$results" <<'PY'
import os, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
scales = sorted({float(r[0]) for r in rows})
per = {(float(s), name): float(t) / int(n) for s, name, n, t in rows}
small, large = scales[0], scales[-1]
phases = [name for s, name, n, t in rows if float(s) == small]
print(f"{'phase':20} {'µs/item at ' + str(small):>16} {'µs/item at ' + str(large):>16} {'ratio':>7}")
worst = 0
for name in phases:
    a, b = per[(small, name)] * 1e6, per[(large, name)] * 1e6
    worst = max(worst, b / a)
    print(f"{name:20} {a:16.1f} {b:16.1f} {b / a:7.2f}")
total = {s: sum(float(t) for sc, name, n, t in rows if float(sc) == s) for s in scales}
print(f"whole flow: {total[small]:.1f} s at {small}, {total[large]:.1f} s at {large}; worst per-item ratio {worst:.2f} (floor <= 1.2)")
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        for name in phases:
            a, b = per[(small, name)] * 1e6, per[(large, name)] * 1e6
            f.write(f"national flow {name}, µs/item at {large:g} vs {small:g}\t{b:.1f}\t{a:.1f}\t{b / a:.2f}\t<=1.2\n")
        f.write(f"national flow at {large:g}, whole, s\t{total[large]:.1f}\t{total[small]:.1f}\t-\t-\n")
PY
