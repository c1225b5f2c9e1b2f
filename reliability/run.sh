#!/usr/bin/env bash
# Reliability suite: kill -9 at random moments of batch register, sign and transfer; 8 registering
# processes while transfers run; a personal-data sweep of everything civlink printed. Exits
# non-zero on the first broken promise.
#   reliability/run.sh [--trials N] [--declarations N] [--seed N]   (CI: 30 trials; --trials 200 for a soak)
# The kill moments and the simulated agencies' choices come from one seed, printed first; the same
# seed replays a run's choices (the moments a kill lands still depend on the machine's speed).
# Uses $CIVLINK if set, else the release build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
trials=30
per_trial=300
seed=$(( $(od -An -N4 -tu4 /dev/urandom) % 1000000 ))
while [ $# -gt 0 ]; do
  case $1 in
    --trials) trials=$2; shift 2 ;;
    --declarations) per_trial=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "usage: $0 [--trials N] [--declarations N] [--seed N]" >&2; exit 64 ;;
  esac
done
RANDOM=$seed
echo "reliability: seed $seed (replay with --seed $seed)" >&2
if [ -z "${CIVLINK:-}" ]; then
  swift build -c release --product civlink --package-path "$here/.." >&2
  CIVLINK="$(swift build -c release --package-path "$here/.." --show-bin-path)/civlink"
fi
work=${RELIABILITY_DIR:-$(mktemp -d)}
mkdir -p "$work/logs"
export CIVLINK_LEDGER="$work/civlink.db" CIVLINK_NOW=2026-11-20T09:30:00+07:00 CIVLINK_ACTOR=reliability
agencies="population residence social-insurance social-affairs"
fail() { echo "reliability: FAIL: $*" >&2; exit 1; }
log() { echo "reliability: $*" >&2; }

"$CIVLINK" init --training >/dev/null
"$CIVLINK" ca init --dir "$work/ca" --name "Test CA" --province 40 >/dev/null
"$CIVLINK" keygen --out "$work/officer.key" --csr "$work/officer.csr" --officer "Officer" >/dev/null
"$CIVLINK" ca issue --dir "$work/ca" --csr "$work/officer.csr" --officer "Officer" --commune 17986 --role officer --out "$work/officer.pem" >/dev/null
for a in $agencies; do "$CIVLINK" agency add "$a" --spool "$work/spool/$a" >/dev/null; done

python3 "$here/../bench/gen-births.py" $((trials * per_trial + 8 * 200)) > "$work/all.jsonl"
# The generated declarations land in commune 17986..17989; the officer signs for 17986 only.

# Checks after every crash: SQLite integrity, the event chain, no declaration twice, no message id
# reused for two procedures, and every dossier printed before the kill is in the ledger.
check() {
  [ "$(sqlite3 "$CIVLINK_LEDGER" 'PRAGMA integrity_check;')" = ok ] || fail "integrity check after $1"
  "$CIVLINK" audit verify >/dev/null 2>>"$work/logs/audit.err" || fail "hash chain broken after $1"
  dup=$(sqlite3 "$CIVLINK_LEDGER" "SELECT count(*) - count(DISTINCT document_key) FROM dossiers;")
  [ "$dup" = 0 ] || fail "$dup duplicate dossiers after $1"
  dupmsg=$(sqlite3 "$CIVLINK_LEDGER" "SELECT count(*) FROM (SELECT dossier_id, procedure, supersedes FROM messages GROUP BY 1, 2, 3 HAVING count(*) > 1);")
  [ "$dupmsg" = 0 ] || fail "a procedure got two messages for one attempt after $1"
}

registered_lines=0
for trial in $(seq 1 "$trials"); do
  start=$(( (trial - 1) * per_trial + 1 ))
  sed -n "${start},$((start + per_trial - 1))p" "$work/all.jsonl" > "$work/batch.jsonl"
  case $(( RANDOM % 3 )) in
    0) cmd=(register-birth --batch "$work/batch.jsonl"); what=register ;;
    1) "$CIVLINK" register-birth --batch "$work/batch.jsonl" > /dev/null 2>>"$work/logs/register.err" || true
       cmd=(sign --pending --key "$work/officer.key" --cert "$work/officer.pem"); what=sign ;;
    2) "$CIVLINK" register-birth --batch "$work/batch.jsonl" > /dev/null 2>>"$work/logs/register.err" || true
       "$CIVLINK" sign --pending --key "$work/officer.key" --cert "$work/officer.pem" > /dev/null 2>>"$work/logs/sign.err" || true
       cmd=(transfer); what=transfer ;;
  esac
  "$CIVLINK" "${cmd[@]}" > "$work/printed.jsonl" 2>>"$work/logs/$what.err" &
  pid=$!
  sleep "0.$(( RANDOM % 40 + 1 ))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  check "kill -9 of $what (trial $trial)"
  if [ "$what" = register ]; then
    # What was printed before the kill was committed.
    for id in $(sed -n 's/^{"format":"civlink.dossier\/1","id":"\([^"]*\)".*/\1/p' "$work/printed.jsonl"); do
      "$CIVLINK" status "$id" >/dev/null 2>&1 || fail "printed dossier $id missing after kill -9"
    done
    # Finish the batch: what was committed is refused as duplicate, the rest registered.
    "$CIVLINK" register-birth --batch "$work/batch.jsonl" > /dev/null 2>>"$work/logs/register.err" || true
  fi
  for a in $agencies; do "$CIVLINK" agency simulate --spool "$work/spool/$a" --seed "$RANDOM" >/dev/null 2>>"$work/logs/simulate.err"; done
done
total=$(sqlite3 "$CIVLINK_LEDGER" "SELECT count(*) FROM dossiers;")
[ "$total" = $((trials * per_trial)) ] || fail "$total dossiers for $((trials * per_trial)) declarations"
log "$trials crash trials: every declaration registered exactly once, integrity and chain intact"

# Concurrency: 8 processes registering while a transfer loop runs.
offset=$((trials * per_trial))
pids=()
for p in $(seq 0 7); do
  sed -n "$((offset + p * 200 + 1)),$((offset + p * 200 + 200))p" "$work/all.jsonl" > "$work/par$p.jsonl"
  "$CIVLINK" register-birth --batch "$work/par$p.jsonl" > /dev/null 2>>"$work/logs/parallel.err" & pids+=($!)
done
( for _ in 1 2 3 4 5; do "$CIVLINK" transfer >/dev/null 2>>"$work/logs/transfer.err" || true; done ) & tpid=$!
for pid in "${pids[@]}"; do wait "$pid" || fail "a concurrent registration failed: $(tail -1 "$work/logs/parallel.err")"; done
wait "$tpid"
total=$(sqlite3 "$CIVLINK_LEDGER" "SELECT count(*) FROM dossiers;")
[ "$total" = $((offset + 1600)) ] || fail "$total dossiers after 8 concurrent batches, expected $((offset + 1600))"
check "concurrent registration"
log "8 concurrent registering processes with transfers running: nothing lost, no error"

# Recovery: sign what is pending, then transfer and answer until every sendable procedure is final.
"$CIVLINK" sign --pending --key "$work/officer.key" --cert "$work/officer.pem" > /dev/null 2>>"$work/logs/sign.err"
# The clock moves on a few minutes each round, past any backoff left by the killed runs.
for round in 1 2 3 4 5 6; do
  export CIVLINK_NOW="2026-11-20T1$round:00:00+07:00"
  "$CIVLINK" transfer >/dev/null 2>>"$work/logs/transfer.err" || true
  for a in $agencies; do "$CIVLINK" agency simulate --spool "$work/spool/$a" --seed "$RANDOM" >/dev/null 2>>"$work/logs/simulate.err"; done
done
export CIVLINK_NOW="2026-11-20T17:00:00+07:00"
"$CIVLINK" transfer >/dev/null 2>>"$work/logs/transfer.err" || true
open=$(sqlite3 "$CIVLINK_LEDGER" "SELECT count(*) FROM procedures p JOIN dossiers d ON d.id = p.dossier_id WHERE d.commune = '17986' AND p.state NOT IN ('done', 'completed');")
[ "$open" = 0 ] || fail "$open procedures of the signing commune are not final after recovery"
# Each message was answered once: one completing receipt per message id.
twice=$(sqlite3 "$CIVLINK_LEDGER" "SELECT count(*) FROM (SELECT message_id FROM receipts WHERE status = 'completed' GROUP BY 1 HAVING count(*) > 1);")
[ "$twice" = 0 ] || fail "$twice messages completed twice"
check "recovery"
log "after recovery every procedure of the signing commune is final, each message completed once"

# Personal data: no ID number or name of the declarations in any log, error or report.
"$CIVLINK" report --by system,commune --format csv > "$work/logs/report.csv"
"$CIVLINK" report --by system --format json > "$work/logs/report.json"
"$CIVLINK" report --overdue --format json > "$work/logs/overdue.json" || true
"$CIVLINK" status --list --format json > "$work/logs/status-list.json"
python3 - "$work/all.jsonl" "$work/logs" <<'PY' || fail "personal data leaked"
import json, os, sys
secrets = set()
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    secrets.update([d["mother"]["personal_id"], d["child"]["full_name"], d["mother"]["full_name"], d["father"]["personal_id"]])
leaks = []
for name in os.listdir(sys.argv[2]):
    text = open(os.path.join(sys.argv[2], name), encoding="utf-8", errors="replace").read()
    leaks += [f"{name}: {s}" for s in secrets if s in text]
if leaks:
    print("\n".join(leaks[:10]), file=sys.stderr)
    sys.exit(1)
PY
log "no ID number or name in $(ls "$work/logs" | wc -l) logs, errors and reports"
echo "reliability: ok ($trials trials)"
