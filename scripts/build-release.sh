#!/usr/bin/env bash
# Builds the release binary that `make install` installs and prints its path:
#   - the Swift runtime and FoundationEssentials linked in (--static-swift-stdlib), so it runs
#     without the Swift toolchain: at run time it needs libc, libm, libstdc++, libgcc_s and
#     libsqlite3, and libssl/libcrypto (OpenSSL 3), which it loads on first use;
#   - not position-independent and exporting no symbols: a PIE's 58,000 relative relocations
#     and a dynamic symbol table of 2,200 Swift symbols (searched by the runtime's dladdr at
#     start-up) were a third of `civlink --version`'s start-up time (bench/startup.sh).
# It builds in .build/static, apart from the debug and plain release builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flags=(-c release --static-swift-stdlib --product civlink --scratch-path "$root/.build/static"
       -Xswiftc -Xclang-linker -Xswiftc -no-pie -Xlinker --no-export-dynamic)
swift build --package-path "$root" "${flags[@]}" >&2
echo "$(swift build --package-path "$root" "${flags[@]}" --show-bin-path)/civlink"
