#!/usr/bin/env bash
# Transfer benchmark (not a test). Sends SPOOL_N messages to a spool directory and HTTP_N to the
# loopback HTTP agency of Tests/Fixtures/agency_server.py, then posts the same
# HTTP_N messages with a plain curl loop (one curl per message, as a shell integration would) to
# a fresh agency as the baseline. Prints the rates and the ratio civlink / curl.
#   SPOOL_N=100000 HTTP_N=10000 bench/transfer.sh      (defaults)
# Measured 2026-11-23 on the shared 2-core dev box (release build, concurrency 16): spool 1279-1390
# messages/s, HTTP 715-763 messages/s, curl loop 116-118 messages/s, ratio 6.1-6.6.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
SPOOL_N=${SPOOL_N:-100000}
HTTP_N=${HTTP_N:-10000}
CONCURRENCY=${CONCURRENCY:-16}
if [ -z "${CIVLINK:-}" ]; then
  swift build -c release --product civlink --package-path "$root" >&2
  CIVLINK="$(swift build -c release --package-path "$root" --show-bin-path)/civlink"
fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export CIVLINK_NOW=2026-11-20T09:30:00+07:00 CIVLINK_ACTOR=bench

now() { date +%s.%N; }

# A ledger with N ready personal-id procedures: one registered birth, cloned in SQL.
make_ledger() {
  local ledger=$1 n=$2
  CIVLINK_LEDGER=$ledger "$CIVLINK" init > /dev/null
  CIVLINK_LEDGER=$ledger "$CIVLINK" register-birth "$root/examples/birth.json" > /dev/null
  sqlite3 "$ledger" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n - 1) INSERT INTO n SELECT i FROM c;
INSERT INTO dossiers SELECT 'B26-' || printf('%08d', n.i), grp, province, commune, register_year, register_no + n.i, received_at,
  registered_at, event_date, late, duplicate_key || n.i, document_key || n.i, reference, declaration, benefit
  FROM dossiers d, n WHERE $n > 1;
INSERT INTO procedures(dossier_id, code, position, agency, state, waits_on, since, deadline_days, deadline, ready_at)
  SELECT 'B26-' || printf('%08d', n.i), code, position, agency, state, waits_on, since, deadline_days, deadline, ready_at
  FROM procedures p, n WHERE p.code IN ('birth-registration', 'personal-id') AND $n > 1;
COMMIT;
SQL
}

start_server() {
  python3 "$root/Tests/Fixtures/agency_server.py" > "$work/$1.port" &
  while [ ! -s "$work/$1.port" ]; do sleep 0.1; done
  head -1 "$work/$1.port"
}

echo "== spool: $SPOOL_N messages" >&2
make_ledger "$work/spool.db" "$SPOOL_N"
CIVLINK_LEDGER=$work/spool.db "$CIVLINK" agency add population --spool "$work/spool" > /dev/null
t0=$(now)
CIVLINK_LEDGER=$work/spool.db "$CIVLINK" transfer --concurrency "$CONCURRENCY" 2>/dev/null
t1=$(now)
sent=$(ls "$work/spool/outbox" | wc -l)
spool_rate=$(python3 -c "print(round($sent / ($t1 - $t0)))")

echo "== HTTP: $HTTP_N messages to a loopback agency" >&2
port=$(start_server civlink)
make_ledger "$work/http.db" "$HTTP_N"
CIVLINK_LEDGER=$work/http.db "$CIVLINK" agency add population --url "http://127.0.0.1:$port/population" > /dev/null
t0=$(now)
CIVLINK_LEDGER=$work/http.db "$CIVLINK" transfer --concurrency "$CONCURRENCY" 2>/dev/null
t1=$(now)
delivered=$(curl -s "http://127.0.0.1:$port/_stats" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["processed"]))')
http_rate=$(python3 -c "print(round($delivered / ($t1 - $t0)))")

echo "== baseline: the same $HTTP_N messages, one curl each" >&2
mkdir -p "$work/msgs"
sqlite3 "$work/http.db" "SELECT id FROM messages ORDER BY id" > "$work/ids"
python3 - "$work/http.db" "$work/msgs" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for mid, body in db.execute("SELECT id, body FROM messages"):
    open(f"{sys.argv[2]}/{mid}.json", "w").write(body)
PY
port2=$(start_server curl)
t0=$(now)
while read -r id; do
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -H "Idempotency-Key: $id" \
    --data-binary "@$work/msgs/$id.json" "http://127.0.0.1:$port2/population"
done < "$work/ids"
t1=$(now)
curled=$(curl -s "http://127.0.0.1:$port2/_stats" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["processed"]))')
curl_rate=$(python3 -c "print(round($curled / ($t1 - $t0)))")

echo "spool:  $sent messages, $spool_rate messages/s"
echo "http:   $delivered messages, $http_rate messages/s (civlink, concurrency $CONCURRENCY)"
echo "curl:   $curled messages, $curl_rate messages/s (baseline loop)"
echo "ratio:  civlink/curl = $(python3 -c "print(round($http_rate / max($curl_rate, 1), 2))")"
if [ -n "${BENCH_TSV:-}" ]; then
  printf 'transfer %s messages to spool, /s\t%s\t-\t-\t-\n' "$SPOOL_N" "$spool_rate" >> "$BENCH_TSV"
  printf 'transfer %s messages to loopback HTTP vs curl loop, /s\t%s\t%s\t%s\t>=1\n' "$HTTP_N" "$http_rate" "$curl_rate" \
    "$(python3 -c "print(round($http_rate / max($curl_rate, 1), 2))")" >> "$BENCH_TSV"
fi
