#!/usr/bin/env bash
# Builds and runs the libFuzzer target for the JSON reader and canonicaliser.
#   fuzz/run.sh [SECONDS]   (default 60); crashes are written to fuzz/artifacts/
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
mkdir -p corpus artifacts build
cp -n ../examples/*.json corpus/ 2>/dev/null || true
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name CivlinkFuzz \
  JSONFuzz.swift ../Sources/CivlinkCore/Support/JSON.swift ../Sources/CivlinkCore/Support/Errors.swift ../Sources/CivlinkCore/Support/Phrase.swift -o build/json-fuzz
./build/json-fuzz -max_total_time="$seconds" -max_len=4096 -artifact_prefix=artifacts/ corpus
