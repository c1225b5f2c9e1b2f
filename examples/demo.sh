#!/usr/bin/env bash
# The main job, end to end, on one machine: a local ledger, a province CA and an officer key, the
# four receiving systems as spool directories answered by civlink's agency simulator. A birth, a
# death and a batch (twins among them) are registered at the desk, and a birth declared online is
# returned for completion, completed and registered; the certificate copies are signed and sent to
# the agencies. Social insurance rejects the funeral allowance (a wrong bank account), the officer
# amends the dossier and the corrected request goes out under a new id. Everything is followed
# until every procedure has its result; then status and a report.
# Uses $CIVLINK if set, else builds the release binary (scripts/build-release.sh). DEMO_DIR keeps
# the files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${CIVLINK:-}" ]; then
  CIVLINK=$("$here/../scripts/build-release.sh")
fi
work=${DEMO_DIR:-$(mktemp -d)}
export CIVLINK_LEDGER="$work/civlink.db"
export CIVLINK_NOW=${CIVLINK_NOW:-2026-11-20T09:30:00+07:00}
export CIVLINK_ACTOR=${CIVLINK_ACTOR:-demo-officer}
agencies="population residence social-insurance social-affairs"
# The dossier id: the first field of the CSV row register prints (no JSON tool needed).
id_of() { sed -n '2s/,.*//p'; }

echo "== set-up: ledger, province CA, the commune officer's key, the agencies"
"$CIVLINK" init --training   # the clock is fixed (CIVLINK_NOW): a training ledger
"$CIVLINK" ca init --dir "$work/ca" --name "Nghệ An Province CA" --province 40 >/dev/null
"$CIVLINK" keygen --out "$work/officer.key" --csr "$work/officer.csr" --officer "Phạm Thị Lan" >/dev/null
"$CIVLINK" ca issue --dir "$work/ca" --csr "$work/officer.csr" --officer "Phạm Thị Lan" --commune 17986 \
  --role "civil-status officer" --out "$work/officer.pem" >/dev/null
for agency in $agencies; do "$CIVLINK" agency add "$agency" --spool "$work/spool/$agency" >/dev/null; done
"$CIVLINK" agency list

echo "== the desk registers a birth, a death and a batch"
birth=$("$CIVLINK" register-birth "$here/birth.json" --format csv | id_of)
death=$("$CIVLINK" register-death "$here/death.json" --format csv | id_of)
"$CIVLINK" register-birth --batch "$here/births.jsonl" > "$work/batch.jsonl"
echo "birth $birth, death $death, batch $(wc -l < "$work/batch.jsonl") dossiers"

echo "== a birth declared online: returned for completion, completed, registered"
python3 - "$here/birth.json" "$work/online.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["child"]["full_name"] = "Nguyễn Văn Bình"
d["mother"]["personal_id"] = "040195000901"
d["medical_birth_certificate"]["number"] = "GCS-2026-901"
d["medical_birth_certificate"]["issuer"] = "Trạm y tế phường Trường Vinh (copy to follow)"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
online=$("$CIVLINK" receive-birth --channel online "$work/online.json" --format csv | id_of)
"$CIVLINK" return "$online" --missing "a legible copy of the medical birth certificate"
echo '{"medical_birth_certificate": {"issuer": "Trạm y tế phường Trường Vinh"}}' > "$work/completed.json"
"$CIVLINK" supplement "$online" "$work/completed.json" --patch
"$CIVLINK" register "$online"

echo "== the officer signs the birth's copy, then every pending one; anyone can verify offline"
"$CIVLINK" sign "$birth" --key "$work/officer.key" --cert "$work/officer.pem" --out "$work/birth-copy.json"
"$CIVLINK" sign --pending --key "$work/officer.key" --cert "$work/officer.pem"
"$CIVLINK" verify "$work/birth-copy.json" --trust "$work/ca/ca.pem"

echo "== transfers; social insurance rejects the funeral allowance"
"$CIVLINK" transfer
for agency in population residence social-affairs; do "$CIVLINK" agency simulate --spool "$work/spool/$agency" >/dev/null; done
"$CIVLINK" agency simulate --spool "$work/spool/social-insurance" --rejection-rate 1
"$CIVLINK" transfer
"$CIVLINK" status --stuck

echo "== the officer corrects the beneficiary's account; the allowance goes again, corrected, under a new id"
echo '{"beneficiary": {"account": "0123456780"}}' > "$work/account.json"
"$CIVLINK" amend "$death" "$work/account.json" --patch --reason "the beneficiary's bank account was wrong"
"$CIVLINK" sign "$death" --key "$work/officer.key" --cert "$work/officer.pem" --out "$work/death-copy.json"

echo "== transfers, the agencies answer, until every procedure has its result"
for round in 1 2 3; do
  "$CIVLINK" transfer
  for agency in $agencies; do "$CIVLINK" agency simulate --spool "$work/spool/$agency" >/dev/null; done
done
"$CIVLINK" transfer

echo "== birth dossier $birth"
"$CIVLINK" status "$birth"
echo "== death dossier $death (amended after the rejection)"
"$CIVLINK" status "$death"
echo "== online birth dossier $online"
"$CIVLINK" status "$online"
echo "== all dossiers"
"$CIVLINK" status --list
echo "== needing a person"
"$CIVLINK" status --stuck
echo "== this month's report"
"$CIVLINK" report --by system
"$CIVLINK" report --by group
echo "ledger: $CIVLINK_LEDGER"
