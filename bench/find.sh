#!/usr/bin/env bash
# Benchmark (not a test): `civlink find` by personal ID number and by name on a ledger of N birth
# dossiers (default 1,000,000) against the sqlite3 CLI running the same indexed query.
#
#   bench/find.sh [N] [QUERIES]      # default 1000000 dossiers, 200 queries of each kind; KEEP=1 keeps the ledger
#
# The ledger is made the way a commune makes it: `civlink register-birth --batch` of generated
# declarations with Vietnamese names distributed as they are (bench/gen-people.py), in batches
# of 100,000, which writes the search index as it registers. Each query is a whole process on both sides: `civlink find`
# (open the ledger, look the keys up, read the dossiers found, append the search event, commit)
# against `sqlite3` running the query civlink runs (the index look-ups and the dossiers they
# reach). Names are searched as typed, half of them with one typo; the name's index keys for the
# sqlite3 side are computed here the way Rules/NameMatch.swift computes them. For scale, one
# sqlite3 scan of the declarations for an ID number shows what the index avoids.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-1000000}
q=${2:-200}
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 69; }
swift build -c release --package-path "$here/.." --product civlink >&2
civlink="$(swift build -c release --package-path "$here/.." --show-bin-path)/civlink"
work=$(mktemp -d)
[ "${KEEP:-0}" = 1 ] && echo "keeping $work" >&2 || trap 'rm -rf "$work"' EXIT
export CIVLINK_NOW=2026-11-20T10:00:00+07:00 CIVLINK_ACTOR=bench
db="$work/civlink.db"
now() { date +%s.%N; }

echo "generating and registering $n births ..." >&2
python3 "$here/gen-people.py" "$n" "$work/mothers.jsonl" > "$work/births.jsonl"
"$civlink" init --ledger "$db" >/dev/null
# In batches of 100,000 lines, as a province would load its communes' backlog: one very long
# batch keeps the write-ahead log growing (each transaction rewrites most index pages and a
# checkpoint never catches up with the writer), and each process checkpoints it when it ends.
split -l 100000 -d -a 3 "$work/births.jsonl" "$work/part-"
t0=$(now)
for part in "$work"/part-*; do
  "$civlink" register-birth --batch --ledger "$db" "$part" > /dev/null
  rm "$part"
done
t1=$(now)
echo "registered in $(echo "$t1 - $t0" | bc) s; $(sqlite3 "$db" 'SELECT count(*) FROM search_keys') index rows; $(du -h "$db" | cut -f1)" >&2

# The queries: QUERIES mothers drawn with a fixed seed; their ID numbers, and their names as typed
# (every other one with one typo), with the index keys of each name.
python3 - "$work" "$q" <<'PY'
import json, random, sys, unicodedata
work, q = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
mothers = [json.loads(line) for line in open(f"{work}/mothers.jsonl")]
picked = rng.sample(mothers, q)

def key(name):
    out = []
    for ch in unicodedata.normalize("NFD", name):
        if unicodedata.category(ch) == "Mn":
            continue
        out.append("d" if ch in "đĐ" else ch.lower())
    return " ".join("".join(out).split())

def variants(letters, n):
    b1, b2 = n // 3, 2 * n // 3
    m = len(letters)
    pre = lambda c: letters[:max(0, min(c, m))]
    suf = lambda c: letters[m - max(0, min(c, m)):] if c > 0 else ""
    return [f"a:{n}:" + suf(n - b1), f"b:{n}:" + pre(b1) + "|" + suf(n - b2), f"c:{n}:" + pre(b2)]

def lookups(k):
    keys = []
    if len(k) < 10:
        keys.append("n:" + k)
    for n in (len(k) - 1, len(k), len(k) + 1):
        if n >= 10:
            keys += variants(k, n)
    if len(k) >= 10:
        b1, b2 = len(k) // 3, 2 * len(k) // 3
        for b in (b1, b2):
            if 0 < b < len(k):
                s = list(k); s[b - 1], s[b] = s[b], s[b - 1]
                keys.append(variants("".join(s), len(k))[0])
    return list(dict.fromkeys(keys))

def typo(name):
    i = rng.randrange(len(name))
    while name[i] == " ":
        i = rng.randrange(len(name))
    return name[:i] + name[i + 1:]

def sql_list(keys):
    return ", ".join("'" + k.replace("'", "''") + "'" for k in keys)

select = ("SELECT s.dossier_id, s.role, s.name, s.born, d.grp, d.commune, d.received_at, "
          "(SELECT group_concat(state, ',') FROM procedures p WHERE p.dossier_id = d.id) AS states "
          "FROM search_keys s JOIN dossiers d ON d.id = s.dossier_id WHERE s.key IN ({});")
with open(f"{work}/ids.txt", "w") as ids, open(f"{work}/ids.sql", "w") as ids_sql, \
     open(f"{work}/names.txt", "w") as names, open(f"{work}/names.sql", "w") as names_sql:
    for i, m in enumerate(picked):
        ids.write(m["personal_id"] + "\n")
        ids_sql.write(select.format(sql_list(["id:" + m["personal_id"]])) + "\n")
        typed = m["full_name"] if i % 2 == 0 else typo(m["full_name"])
        names.write(typed + "\n")
        names_sql.write(select.format(sql_list(lookups(key(typed)))) + "\n")
PY

sqlite3 "$db" "SELECT count(*) FROM search_keys" > /dev/null   # warm the page cache
run_civlink() {  # FILE OPTION: one civlink find per line
  local s; s=$(now)
  while IFS= read -r key; do "$civlink" find --ledger "$db" "$2" "$key" --format json > /dev/null || [ $? -eq 66 ]; done < "$1"
  echo "$(now) - $s" | bc
}
run_sqlite() {  # FILE: one sqlite3 process per line
  local s; s=$(now)
  while IFS= read -r sql; do sqlite3 "$db" "$sql" > /dev/null; done < "$1"
  echo "$(now) - $s" | bc
}
civ_id=$(run_civlink "$work/ids.txt" --id)
base_id=$(run_sqlite "$work/ids.sql")
civ_name=$(run_civlink "$work/names.txt" --name)
base_name=$(run_sqlite "$work/names.sql")
found=$(sqlite3 "$db" "SELECT avg(json_extract(detail, '$.matches')) FROM (SELECT detail FROM events WHERE kind = 'search' ORDER BY seq DESC LIMIT $q)")
events=$(sqlite3 "$db" "SELECT count(*) FROM events WHERE kind = 'search'")
[ "$events" -eq $((2 * q)) ] || { echo "expected $((2 * q)) search events, found $events" >&2; exit 1; }
scan_id=$(head -1 "$work/ids.txt")
s=$(now); sqlite3 "$db" "SELECT id FROM dossiers WHERE declaration LIKE '%$scan_id%'" > /dev/null; scan=$(echo "$(now) - $s" | bc)

python3 - "$n" "$q" "$civ_id" "$base_id" "$civ_name" "$base_name" "$found" "$scan" "$t0" "$t1" <<'PY'
import os, sys
n, q = int(sys.argv[1]), int(sys.argv[2])
civ_id, base_id, civ_name, base_name, found, scan, t0, t1 = map(float, sys.argv[3:11])
ms = lambda total: total / q * 1000
print(f"{'figure':52} {'civlink':>10} {'baseline':>10} {'ratio':>7}")
print(f"{'find --id on %d dossiers, ms per query' % n:52} {ms(civ_id):10.2f} {ms(base_id):10.2f} {civ_id/base_id:7.2f}")
print(f"{'find --name (half with a typo), ms per query':52} {ms(civ_name):10.2f} {ms(base_name):10.2f} {civ_name/base_name:7.2f}")
print(f"{'  dossiers a name query found, on average':52} {found:10.1f}")
print(f"{'one sqlite3 scan of the declarations for an ID, ms':52} {scan*1000:10.1f}")
print(f"{'register --batch with the search index, dossiers/s':52} {n/(t1-t0):10.0f}")
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        f.write(f"find --id on {n} dossiers vs sqlite3 indexed query, ms\t{ms(civ_id):.2f}\t{ms(base_id):.2f}\t{civ_id/base_id:.2f}\t-\n")
        f.write(f"find --name on {n} dossiers vs sqlite3 indexed query, ms\t{ms(civ_name):.2f}\t{ms(base_name):.2f}\t{civ_name/base_name:.2f}\t-\n")
        f.write(f"sqlite3 scan of declarations for an ID on {n} dossiers, ms\t-\t{scan*1000:.1f}\t-\t-\n")
PY
