#!/usr/bin/env bash
# The main job, end to end, on one machine: a local ledger, a province CA and an officer key, the
# four receiving systems as spool directories answered by civlink's agency simulator. A birth, a
# death and a batch (twins among them) are registered, their certificate copies signed, sent to
# the agencies and followed until every procedure has its result; then status and a report.
# Uses $CIVLINK if set, else builds civlink in release mode. DEMO_DIR keeps the files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${CIVLINK:-}" ]; then
  swift build -c release --package-path "$here/.." >&2
  CIVLINK="$(swift build -c release --package-path "$here/.." --show-bin-path)/civlink"
fi
work=${DEMO_DIR:-$(mktemp -d)}
export CIVLINK_LEDGER="$work/civlink.db"
export CIVLINK_NOW=${CIVLINK_NOW:-2026-11-20T09:30:00+07:00}
export CIVLINK_ACTOR=${CIVLINK_ACTOR:-demo-officer}
agencies="population residence social-insurance social-affairs"
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }

echo "== set-up: ledger, province CA, the commune officer's key, the agencies"
"$CIVLINK" init --training   # the clock is fixed (CIVLINK_NOW): a training ledger
"$CIVLINK" ca init --dir "$work/ca" --name "Nghệ An Province CA" --province 40 >/dev/null
"$CIVLINK" keygen --out "$work/officer.key" --csr "$work/officer.csr" --officer "Phạm Thị Lan" >/dev/null
"$CIVLINK" ca issue --dir "$work/ca" --csr "$work/officer.csr" --officer "Phạm Thị Lan" --commune 17986 \
  --role "civil-status officer" --out "$work/officer.pem" >/dev/null
for agency in $agencies; do "$CIVLINK" agency add "$agency" --spool "$work/spool/$agency" >/dev/null; done
"$CIVLINK" agency list

echo "== the desk registers a birth, a death and a batch"
birth=$("$CIVLINK" register-birth "$here/birth.json" | id_of)
death=$("$CIVLINK" register-death "$here/death.json" | id_of)
"$CIVLINK" register-birth --batch "$here/births.jsonl" > "$work/batch.jsonl"
echo "birth $birth, death $death, batch $(wc -l < "$work/batch.jsonl") dossiers"

echo "== the officer signs the birth's copy, then every pending one; anyone can verify offline"
"$CIVLINK" sign "$birth" --key "$work/officer.key" --cert "$work/officer.pem" --out "$work/birth-copy.json"
"$CIVLINK" sign --pending --key "$work/officer.key" --cert "$work/officer.pem"
"$CIVLINK" verify "$work/birth-copy.json" --trust "$work/ca/ca.pem"

echo "== transfers, the agencies answer, until every procedure has its result"
for round in 1 2 3; do
  "$CIVLINK" transfer
  for agency in $agencies; do "$CIVLINK" agency simulate --spool "$work/spool/$agency" >/dev/null; done
done
"$CIVLINK" transfer

echo "== birth dossier $birth"
"$CIVLINK" status "$birth"
echo "== death dossier $death"
"$CIVLINK" status "$death"
echo "== all dossiers"
"$CIVLINK" status --list
echo "== needing a person"
"$CIVLINK" status --stuck
echo "== this month's report"
"$CIVLINK" report --by system
echo "ledger: $CIVLINK_LEDGER"
