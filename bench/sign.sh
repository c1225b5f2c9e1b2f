#!/usr/bin/env bash
# Benchmark, not a test: `civlink sign --pending` over N dossiers (default 10000) and `civlink verify`
# over the N signed copies, against `openssl speed ed25519` measured on the same machine, printed
# as ratios. Floor for signing: >= 0.7 of the openssl sign rate.
set -euo pipefail
N=${N:-10000}
cd "$(dirname "$0")/.."
if [ -z "${CIVLINK_BIN:-}" ]; then
  CIVLINK_BIN=${CIVLINK:-$(scripts/build-release.sh)}
fi
BIN=$CIVLINK_BIN
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CIVLINK_LEDGER=$work/bench.db CIVLINK_NOW=2026-11-20T09:30:00+07:00 CIVLINK_ACTOR=bench
cd "$work"
"$BIN" init --training >/dev/null
python3 - "$N" > births.jsonl <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"province": "40", "commune": "17986",
        "child": {"full_name": "Nguyễn Thị Ánh", "sex": "female", "date_of_birth": "2026-11-15",
                  "place_of_birth": "Bệnh viện Sản Nhi Nghệ An", "ethnicity": "Kinh", "nationality": "Việt Nam"},
        "medical_birth_certificate": {"number": "GCS-B-%06d" % i, "issuer": "Bệnh viện Sản Nhi Nghệ An"},
        "mother": {"full_name": "Trần Thị Bình", "date_of_birth": "1995-03-02", "personal_id": "040195%06d" % i},
        "father": {"full_name": "Nguyễn Văn Cường", "date_of_birth": "1993-07-09", "personal_id": "040093000456"},
        "declarant": {"full_name": "Nguyễn Văn Cường", "relationship": "father", "personal_id": "040093000456"},
        "residence_registration": {"address": "Khối 13, phường Quang Trung, Vinh"},
        "health_insurance": {"facility": "Trạm y tế phường Quang Trung"}}, ensure_ascii=False))
PY
"$BIN" register-birth --batch births.jsonl >/dev/null
"$BIN" ca init --dir ca --name "Bench CA" >/dev/null
"$BIN" keygen --out officer.key --csr officer.csr --officer "Bench Officer" >/dev/null
"$BIN" ca issue --dir ca --csr officer.csr --officer "Bench Officer" --commune 17986 --role officer --out officer.pem >/dev/null

now() { date +%s.%N; }
t0=$(now)
"$BIN" sign --pending --key officer.key --cert officer.pem > signed.txt
t1=$(now)
signed=$(wc -l < signed.txt)
# The stored copies, as signed, one a line; then one file each for verify.
sed 's/^signed //' signed.txt | xargs -n 2000 "$BIN" copy > copies.jsonl
mkdir copies
python3 - <<'PY'
for i, line in enumerate(open("copies.jsonl")):
    open("copies/%06d.json" % i, "w").write(line)
PY
t2=$(now)
(cd copies && ls | xargs -n 2000 "$BIN" verify --trust ../ca/ca.pem >/dev/null)
t3=$(now)

speed=$(openssl speed -seconds 3 ed25519 2>/dev/null | awk '/Ed25519\)/ { print $(NF-1), $NF }' | tail -1)
ossl_sign=${speed% *}
ossl_verify=${speed#* }
python3 - "$signed" "$t0" "$t1" "$t2" "$t3" "$ossl_sign" "$ossl_verify" <<'PY'
import sys
n = int(sys.argv[1]); t0, t1, t2, t3, os_sign, os_verify = map(float, sys.argv[2:])
sign_rate, verify_rate = n / (t1 - t0), n / (t3 - t2)
print(f"civlink sign --pending: {n} copies in {t1 - t0:.2f}s = {sign_rate:.0f}/s")
print(f"civlink verify:         {n} copies in {t3 - t2:.2f}s = {verify_rate:.0f}/s")
print(f"openssl speed ed25519:  sign {os_sign:.0f}/s, verify {os_verify:.0f}/s")
print(f"ratio sign   (civlink/openssl): {sign_rate / os_sign:.3f}  (floor 0.7: {'met' if sign_rate / os_sign >= 0.7 else 'NOT met'})")
print(f"ratio verify (civlink/openssl): {verify_rate / os_verify:.3f}")
import os
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        f.write(f"sign --pending {n} copies, /s vs openssl speed ed25519 sign\t{sign_rate:.0f}\t{os_sign:.0f}\t{sign_rate / os_sign:.3f}\t>=0.7\n")
        f.write(f"verify {n} copies, /s vs openssl speed ed25519 verify\t{verify_rate:.0f}\t{os_verify:.0f}\t{verify_rate / os_verify:.3f}\t-\n")
PY
