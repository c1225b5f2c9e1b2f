#!/usr/bin/env bash
# The main job on a local ledger: register a birth, a death and a batch (twins among them), then
# show where every procedure is. Uses $CIVLINK if set, else builds civlink with SwiftPM.
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

"$CIVLINK" init
birth=$("$CIVLINK" register-birth "$here/birth.json")
death=$("$CIVLINK" register-death "$here/death.json")
"$CIVLINK" register-birth --batch "$here/births.jsonl" > "$work/batch.jsonl"

birth_id=$(printf '%s' "$birth" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
death_id=$(printf '%s' "$death" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "== birth dossier $birth_id"
"$CIVLINK" status "$birth_id"
echo "== death dossier $death_id"
"$CIVLINK" status "$death_id"
echo "== all dossiers"
"$CIVLINK" status --list
echo "ledger: $CIVLINK_LEDGER"
