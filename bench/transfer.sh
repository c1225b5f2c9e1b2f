#!/usr/bin/env bash
# Transfer benchmark (not a test). Sends SPOOL_N messages to a spool directory, HTTP_N to the
# loopback agency of Tests/Fixtures/agency_server.py over plain HTTP, and HTTPS_N over HTTPS with
# mutual TLS (a CA, server and client certificates made here, a bearer token); each HTTP run has
# its baseline: a plain curl loop posting the same messages (one curl per message, as a shell
# integration would), over the same kind of connection, to a fresh agency. Prints the rates and
# the ratios civlink / curl. Every server it starts is stopped when it exits, however it exits.
#   SPOOL_N=100000 HTTP_N=10000 HTTPS_N=10000 bench/transfer.sh      (defaults)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
SPOOL_N=${SPOOL_N:-100000}
HTTP_N=${HTTP_N:-10000}
HTTPS_N=${HTTPS_N:-10000}
CONCURRENCY=${CONCURRENCY:-16}
CIVLINK=${CIVLINK:-$("$root/scripts/build-release.sh")}
work=$(mktemp -d)
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export CIVLINK_NOW=2026-11-20T09:30:00+07:00 CIVLINK_ACTOR=bench

now() { date +%s.%N; }
rate() { python3 -c "print(round($1 / ($3 - $2)))"; }

# A ledger with N ready personal-id procedures: one registered birth, cloned in SQL (outside
# civlink, so `audit verify` would name every clone; the transfer does not read the audit).
make_ledger() {
  local ledger=$1 n=$2
  CIVLINK_LEDGER=$ledger "$CIVLINK" init > /dev/null
  CIVLINK_LEDGER=$ledger "$CIVLINK" register-birth "$root/examples/birth.json" > /dev/null
  sqlite3 "$ledger" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $n - 1) INSERT INTO n SELECT i FROM c;
INSERT INTO dossiers(id, grp, state, channel, province, commune, register_year, register_no, received_at, registered_at, event_date,
                     late, duplicate_key, document_key, reference, declaration, benefit)
  SELECT 'B26-' || printf('%08d', n.i), grp, state, channel, province, commune, register_year, register_no + n.i, received_at,
  registered_at, event_date, late, duplicate_key || n.i, document_key || n.i, reference, declaration, benefit
  FROM dossiers d, n WHERE $n > 1;
INSERT INTO procedures(dossier_id, code, position, agency, state, waits_on, since, deadline_days, deadline, ready_at)
  SELECT 'B26-' || printf('%08d', n.i), code, position, agency, state, waits_on, since, deadline_days, deadline, ready_at
  FROM procedures p, n WHERE p.code IN ('birth-registration', 'personal-id') AND $n > 1;
COMMIT;
SQL
}

# Starts an agency in this shell (so that the trap can stop it) and sets $port.
start_server() {
  local name=$1; shift
  python3 "$root/Tests/Fixtures/agency_server.py" "$@" > "$work/$name.port" 2> "$work/$name.log" &
  servers+=($!)
  while [ ! -s "$work/$name.port" ]; do
    kill -0 "$!" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  port=$(head -1 "$work/$name.port")
}

processed() { curl -s "${@:2}" "$1/_stats" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["processed"]))'; }

# The same messages, one curl each, to a fresh agency: the baseline.
curl_loop() {
  local db=$1 url=$2; shift 2
  mkdir -p "$work/msgs"
  python3 - "$db" "$work/msgs" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2] + "/ids", "w") as ids:
    for mid, body in db.execute("SELECT id, body FROM messages ORDER BY id"):
        open(f"{sys.argv[2]}/{mid}.json", "w").write(body)
        ids.write(mid + "\n")
PY
  t0=$(now)
  while read -r id; do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -H "Idempotency-Key: $id" "$@" \
      --data-binary "@$work/msgs/$id.json" "$url/population"
  done < "$work/msgs/ids"
  t1=$(now)
  rm -rf "$work/msgs"
}

echo "== spool: $SPOOL_N messages" >&2
make_ledger "$work/spool.db" "$SPOOL_N"
CIVLINK_LEDGER=$work/spool.db "$CIVLINK" agency add population --spool "$work/spool" > /dev/null
t0=$(now)
CIVLINK_LEDGER=$work/spool.db "$CIVLINK" transfer --concurrency "$CONCURRENCY" > /dev/null
t1=$(now)
sent=$(ls "$work/spool/outbox" | wc -l)
spool_rate=$(rate "$sent" "$t0" "$t1")
rm -rf "$work/spool" "$work/spool.db"*

echo "== HTTP: $HTTP_N messages to a loopback agency" >&2
start_server http
make_ledger "$work/http.db" "$HTTP_N"
CIVLINK_LEDGER=$work/http.db "$CIVLINK" agency add population --url "http://127.0.0.1:$port/population" > /dev/null
t0=$(now)
CIVLINK_LEDGER=$work/http.db "$CIVLINK" transfer --concurrency "$CONCURRENCY" > /dev/null
t1=$(now)
delivered=$(processed "http://127.0.0.1:$port")
http_rate=$(rate "$delivered" "$t0" "$t1")
start_server http-curl
curl_loop "$work/http.db" "http://127.0.0.1:$port"
curled=$(processed "http://127.0.0.1:$port")
curl_rate=$(rate "$curled" "$t0" "$t1")

echo "== HTTPS with mutual TLS: $HTTPS_N messages" >&2
pki=$work/pki
mkdir -p "$pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$pki/ca.key" -out "$pki/ca.pem" -days 30 \
  -subj "/CN=bench CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
for leaf in server client; do
  if [ $leaf = server ]; then ext="subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth"; else ext="extendedKeyUsage=clientAuth"; fi
  printf 'basicConstraints=CA:FALSE\n%s\n' "$ext" > "$pki/$leaf.ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$pki/$leaf.key" -out "$pki/$leaf.csr" \
    -subj "/CN=bench $leaf" 2>/dev/null
  openssl x509 -req -in "$pki/$leaf.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -set_serial "$RANDOM" -days 30 \
    -extfile "$pki/$leaf.ext" -out "$pki/$leaf.pem" 2>/dev/null
done
chmod 600 "$pki/client.key"
printf 'bench-token\n' > "$pki/token" && chmod 600 "$pki/token"
tls=(--cert "$pki/server.pem" --key "$pki/server.key" --client-ca "$pki/ca.pem")
client=(--cacert "$pki/ca.pem" --cert "$pki/client.pem" --key "$pki/client.key")
start_server https "${tls[@]}"
make_ledger "$work/https.db" "$HTTPS_N"
CIVLINK_LEDGER=$work/https.db "$CIVLINK" agency add population --url "https://127.0.0.1:$port/population" --ca "$pki/ca.pem" \
  --client-cert "$pki/client.pem" --client-key "$pki/client.key" --token-file "$pki/token" > /dev/null
t0=$(now)
CIVLINK_LEDGER=$work/https.db "$CIVLINK" transfer --concurrency "$CONCURRENCY" > /dev/null
t1=$(now)
tls_delivered=$(processed "https://127.0.0.1:$port" "${client[@]}")
https_rate=$(rate "$tls_delivered" "$t0" "$t1")
start_server https-curl "${tls[@]}"
curl_loop "$work/https.db" "https://127.0.0.1:$port" "${client[@]}" -H "Authorization: Bearer bench-token"
tls_curled=$(processed "https://127.0.0.1:$port" "${client[@]}")
tls_curl_rate=$(rate "$tls_curled" "$t0" "$t1")

ratio() { python3 -c "print(round($1 / max($2, 1), 2))"; }
echo "spool:  $sent messages, $spool_rate messages/s"
echo "http:   $delivered messages, $http_rate messages/s (civlink, concurrency $CONCURRENCY); curl loop $curled, $curl_rate/s; ratio $(ratio "$http_rate" "$curl_rate")"
echo "https:  $tls_delivered messages, $https_rate messages/s (mutual TLS); curl loop $tls_curled, $tls_curl_rate/s; ratio $(ratio "$https_rate" "$tls_curl_rate")"
for count in "$sent:$SPOOL_N" "$delivered:$HTTP_N" "$tls_delivered:$HTTPS_N" "$curled:$HTTP_N" "$tls_curled:$HTTPS_N"; do
  [ "${count%%:*}" = "${count##*:}" ] || { echo "delivered ${count%%:*} of ${count##*:}" >&2; exit 1; }
done
if [ -n "${BENCH_TSV:-}" ]; then
  printf 'transfer %s messages to spool, /s\t%s\t-\t-\t-\n' "$SPOOL_N" "$spool_rate" >> "$BENCH_TSV"
  printf 'transfer %s messages to loopback HTTP vs curl loop, /s\t%s\t%s\t%s\t>=1\n' "$HTTP_N" "$http_rate" "$curl_rate" \
    "$(ratio "$http_rate" "$curl_rate")" >> "$BENCH_TSV"
  printf 'transfer %s messages over HTTPS, mutual TLS, vs curl loop, /s\t%s\t%s\t%s\t>=1\n' "$HTTPS_N" "$https_rate" "$tls_curl_rate" \
    "$(ratio "$https_rate" "$tls_curl_rate")" >> "$BENCH_TSV"
fi
