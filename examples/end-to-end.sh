#!/usr/bin/env bash
# A whole birth group and death group, end to end on one machine: civlink sends to the four
# receiving systems through spool directories, the agency simulator answers real receipts (a
# valid personal ID number, a residence confirmation, an HI card, a funeral allowance decision),
# and civlink ingests them until every procedure is final. Uses $CIVLINK if set, else builds.
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

"$CIVLINK" init
for agency in $agencies; do "$CIVLINK" agency add "$agency" --spool "$work/spool/$agency" > /dev/null; done
"$CIVLINK" agency list

simulate() {   # the receiving systems answer (delay, failure and rejection rates are options)
  for agency in $agencies; do "$CIVLINK" agency simulate --spool "$work/spool/$agency" > /dev/null; done
}

# Stand-in for `civlink sign` until it is merged: record a signed copy and release what waits on it.
sign() {
  sqlite3 "$CIVLINK_LEDGER" <<SQL
BEGIN IMMEDIATE;
INSERT INTO signed_copies(dossier_id, document, officer, signed_at)
  VALUES ('$1', '{"format":"civlink.signed-copy/demo","dossier_id":"$1"}', '$CIVLINK_ACTOR', strftime('%s','now'));
UPDATE procedures SET state = 'done', completed_at = strftime('%s','now') WHERE dossier_id = '$1' AND code = 'certificate-copy';
UPDATE procedures SET state = 'ready', ready_at = strftime('%s','now') WHERE dossier_id = '$1' AND state = 'waiting'
  AND NOT EXISTS (SELECT 1 FROM procedures q WHERE q.dossier_id = procedures.dossier_id
                  AND instr(',' || procedures.waits_on || ',', ',' || q.code || ',') > 0 AND q.state NOT IN ('done', 'completed'));
COMMIT;
SQL
}

id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
birth=$("$CIVLINK" register-birth "$here/birth.json" | id_of)
death=$("$CIVLINK" register-death "$here/death.json" | id_of)
echo "== registered birth $birth and death $death; signing their certificate copies"
sign "$birth"
sign "$death"

for round in 1 2 3; do
  echo "== transfer round $round"
  "$CIVLINK" transfer
  simulate
done
"$CIVLINK" transfer
echo "== birth dossier $birth"
"$CIVLINK" status "$birth"
echo "== death dossier $death"
"$CIVLINK" status "$death"
echo "== needing a person"
"$CIVLINK" status --stuck
echo "ledger: $CIVLINK_LEDGER"
