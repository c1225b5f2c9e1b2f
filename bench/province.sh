#!/usr/bin/env bash
# Benchmark (not a test): province replication. PROVINCES provinces of COMMUNES commune ledgers of
# DOSSIERS generated births each (default 34 x 100 x 1,000, the issue's national shape; quick:
# PROVINCE_SCALE=quick, 2 x 4 x 500). Each commune ledger is made as a commune makes it (init, then
# register-birth --batch) and exported; each province imports its communes' exports.
#
#   bench/province.sh                      # PROVINCES=34 COMMUNES=100 DOSSIERS=1000
#   PROVINCE_SCALE=quick bench/province.sh
#
# Figures:
#  - the import rate (events/s) of the first province, against the sqlite3 CLI inserting the same
#    rows (every replicated row the exports carry, with its source, and the search index the
#    import built from them, in one transaction, into an empty province ledger's schema): floor
#    0.5 of the baseline's rate;
#  - civlink's peak memory importing half of the province's exports and all of them (flat as the
#    input grows: the import holds a chunk and its pending rows, never the input, and SQLite's
#    page cache is capped at 64 MiB);
#  - `report --by commune,system` over the first province's ledger against the sqlite3 CLI running
#    the report's main aggregate (one GROUP BY over dossiers and procedures), for scale;
#  - `report --merge` of every province's JSON report (the national table), in seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install sqlite3)" >&2; exit 69; }
civlink=${CIVLINK:-$("$here/../scripts/build-release.sh")}
if [ "${PROVINCE_SCALE:-}" = quick ]; then
  : "${PROVINCES:=2}" "${COMMUNES:=4}" "${DOSSIERS:=500}"
fi
PROVINCES=${PROVINCES:-34} COMMUNES=${COMMUNES:-100} DOSSIERS=${DOSSIERS:-1000}
work=$(mktemp -d)
[ "${KEEP:-0}" = 1 ] && echo "keeping $work" >&2 || trap 'rm -rf "$work"' EXIT
export CIVLINK_NOW=2026-11-20T10:00:00+07:00 CIVLINK_ACTOR=bench
now() { date +%s.%N; }
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }   # KB

echo "making $PROVINCES x $COMMUNES commune ledgers of $DOSSIERS births ..." >&2
python3 - "$work" "$PROVINCES" "$COMMUNES" "$DOSSIERS" <<'PY'
import json, sys
work, provinces, communes, dossiers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
base = {
    "province": "40", "commune": "17986", "received_at": "2026-11-20T09:00:00+07:00",
    "child": {"full_name": "", "sex": "female", "date_of_birth": "2026-11-15",
              "place_of_birth": "Bệnh viện Sản Nhi Nghệ An", "ethnicity": "Kinh", "nationality": "Việt Nam"},
    "medical_birth_certificate": {"number": "", "issuer": "Bệnh viện Sản Nhi Nghệ An"},
    "mother": {"full_name": "Trần Thị Bình", "date_of_birth": "1995-03-02", "personal_id": ""},
    "father": {"full_name": "Nguyễn Văn Cường", "date_of_birth": "1993-07-09", "personal_id": "040093000456"},
    "declarant": {"full_name": "Nguyễn Văn Cường", "relationship": "father", "personal_id": "040093000456"},
    "residence_registration": {"address": "Khối 13, phường Trường Vinh, Nghệ An"},
    "health_insurance": {"facility": "Trạm y tế phường Trường Vinh"},
}
n = 0
# The ledgers of every province are communes of Nghệ An (the sample commune table): the codes are
# what the report groups by, so each commune ledger gets a code of its own.
for p in range(provinces):
    for c in range(communes):
        code = f"{10000 + (p * communes + c) % 90000:05d}"
        with open(f"{work}/p{p}-c{c}.jsonl", "w") as out:
            for i in range(dossiers):
                base["commune"] = code
                base["child"]["full_name"] = f"Nguyễn Thị Con {n}"
                base["medical_birth_certificate"]["number"] = f"GCS-{n:09d}"
                base["mother"]["personal_id"] = f"040{195 + n // 1000000 % 5:03d}{n % 1000000:06d}"
                out.write(json.dumps(base, ensure_ascii=False) + "\n")
                n += 1
PY
t0=$(now)
for p in $(seq 0 $((PROVINCES - 1))); do
  for c in $(seq 0 $((COMMUNES - 1))); do
    db="$work/p$p-c$c.db"
    "$civlink" init --ledger "$db" > /dev/null
    "$civlink" register-birth --batch --ledger "$db" "$work/p$p-c$c.jsonl" > /dev/null
    "$civlink" export --ledger "$db" --out "$work/p$p-c$c.export" 2> /dev/null
    rm "$work/p$p-c$c.jsonl" "$db" "$db-wal" "$db-shm" 2> /dev/null || true
  done
done
t1=$(now)
echo "made and exported in $(echo "$t1 - $t0" | bc) s" >&2

# The first province: its exports in one input.
cat "$work"/p0-c*.export > "$work/p0.all"
events=$(grep -c '^{"event"' "$work/p0.all")
rowsn=$(grep -c '^{"final"' "$work/p0.all")
"$civlink" init --ledger "$work/p0.db" > /dev/null
cp "$work/p0.db" "$work/baseline.db"
s=$(now)
"$civlink" import "$work/p0.all" --ledger "$work/p0.db" > /dev/null
civ_import=$(echo "$(now) - $s" | bc)

# The baseline: the same rows, as INSERTs the sqlite3 CLI runs in one transaction, and the
# search index the import built.
python3 - "$work/p0.all" "$work/baseline.sql" <<'PY'
import json, sys
source = None
with open(sys.argv[1]) as inp, open(sys.argv[2], "w") as out:
    out.write("BEGIN;\n")
    for line in inp:
        o = json.loads(line)
        if "format" in o:
            source = o["source"]
        elif "row" in o and o["values"]:
            values = dict(o["values"], source=source)
            def lit(v):
                return str(v) if isinstance(v, (int, float)) else "'" + str(v).replace("'", "''") + "'"
            out.write(f'INSERT OR REPLACE INTO {o["row"]}({", ".join(values)}) VALUES ({", ".join(lit(v) for v in values.values())});\n')
PY
# The search index the import builds from those rows (the export does not carry it), as it left it.
sqlite3 "$work/p0.db" ".mode insert search_keys" "SELECT * FROM search_keys" >> "$work/baseline.sql"
echo "COMMIT;" >> "$work/baseline.sql"
s=$(now)
sqlite3 "$work/baseline.db" < "$work/baseline.sql"
base_import=$(echo "$(now) - $s" | bc)
[ "$(sqlite3 "$work/p0.db" 'SELECT count(*) FROM dossiers')" = "$(sqlite3 "$work/baseline.db" 'SELECT count(*) FROM dossiers')" ] \
  || { echo "the import and the baseline do not hold the same dossiers" >&2; exit 1; }

# Peak memory: half the province's exports, and all of them (SQLite's page cache is 64 MiB).
half=$(( (COMMUNES + 1) / 2 ))
cat $(ls "$work"/p0-c*.export | head -n "$half") > "$work/p0.half"
"$civlink" init --ledger "$work/mem1.db" > /dev/null
"$civlink" init --ledger "$work/memall.db" > /dev/null
mem_one=$(peak "$civlink" import "$work/p0.half" --ledger "$work/mem1.db")
mem_all=$(peak "$civlink" import "$work/p0.all" --ledger "$work/memall.db")
rm -f "$work/p0.half"
rm -f "$work"/mem*.db*

# The province's report, and the report's main aggregate by the sqlite3 CLI.
s=$(now)
"$civlink" report --by commune,system --from 2026-11-01 --to 2026-11-30 --ledger "$work/p0.db" --format json > "$work/p0.report.json"
civ_report=$(echo "$(now) - $s" | bc)
s=$(now)
sqlite3 "$work/p0.db" "SELECT d.commune, p.agency, count(*), sum(p.state IN ('done', 'completed')) FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
  GROUP BY 1, 2" > /dev/null
base_report=$(echo "$(now) - $s" | bc)

# Every other province imports its communes and reports; then the national merge.
for p in $(seq 1 $((PROVINCES - 1))); do
  "$civlink" init --ledger "$work/p$p.db" > /dev/null
  cat "$work"/p$p-c*.export | "$civlink" import - --ledger "$work/p$p.db" > /dev/null
  "$civlink" report --by commune,system --from 2026-11-01 --to 2026-11-30 --ledger "$work/p$p.db" --format json > "$work/p$p.report.json"
  rm -f "$work"/p$p-c*.export "$work/p$p.db" "$work/p$p.db-wal" "$work/p$p.db-shm"
done
s=$(now)
"$civlink" report --merge "$work"/p*.report.json --format json > "$work/national.json"
civ_merge=$(echo "$(now) - $s" | bc)
dossiers_total=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['totals']['planned'])" "$work/national.json")

python3 - "$PROVINCES" "$COMMUNES" "$DOSSIERS" "$events" "$rowsn" "$civ_import" "$base_import" "$mem_one" "$mem_all" \
  "$civ_report" "$base_report" "$civ_merge" "$dossiers_total" <<'PY'
import os, sys
P, C, D, events, rows = map(int, sys.argv[1:6])
civ_import, base_import = float(sys.argv[6]), float(sys.argv[7])
mem_one, mem_all = int(sys.argv[8]), int(sys.argv[9])
civ_report, base_report, civ_merge = map(float, sys.argv[10:13])
national = int(sys.argv[13])
civ_rate, base_rate = events / civ_import, events / base_import
ratio = civ_rate / base_rate
print(f"{'figure':60} {'civlink':>10} {'baseline':>10} {'ratio':>7}")
print(f"{'import of %d communes (%d events, %d rows), events/s' % (C, events, rows):60} {civ_rate:10.0f} {base_rate:10.0f} {ratio:7.2f}")
print(f"{'peak memory, import of all %d communes / of half, MB' % C:60} {mem_all/1024:10.1f} {mem_one/1024:10.1f} {mem_all/mem_one:7.2f}")
print(f"{'report --by commune,system on %d dossiers, s' % (C * D):60} {civ_report:10.2f} {base_report:10.2f} {civ_report/base_report:7.2f}")
print(f"{'report --merge of %d provinces (%d dossiers), s' % (P, national):60} {civ_merge:10.2f}")
if os.environ.get("BENCH_TSV"):
    with open(os.environ["BENCH_TSV"], "a") as f:
        f.write(f"province import of {C}x{D} dossiers vs sqlite3 inserting the rows, events/s\t{civ_rate:.0f}\t{base_rate:.0f}\t{ratio:.2f}\t>=0.5\n")
        f.write(f"import peak memory, {C} communes vs half of them, MB\t{mem_all/1024:.1f}\t{mem_one/1024:.1f}\t{mem_all/mem_one:.2f}\t-\n")
        f.write(f"province report on {C * D} dossiers vs sqlite3 aggregate, s\t{civ_report:.2f}\t{base_report:.2f}\t{civ_report/base_report:.2f}\t-\n")
        f.write(f"national report --merge of {P} provinces, s\t{civ_merge:.2f}\t-\t-\t-\n")
PY
