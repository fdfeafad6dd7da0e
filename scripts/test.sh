#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds with warnings as errors and with
# ASan+UBSan, and runs every test in both builds; then cross-builds for Windows with
# mingw-w64 and runs the Windows tests under wine (scripts/windows.sh, doc/windows.md), and
# runs every fuzz target for ADRESTORE_FUZZ_SECONDS (default 30) each (doc/fuzzing.md).
# CI runs exactly this (.ci/run). ADRESTORE_SKIP_WINDOWS=1 leaves out the Windows stage.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
for preset in ci asan; do
  echo "== build: $preset"
  bash scripts/build.sh "$preset"
  echo "== test: $preset"
  ctest --preset "$preset" -j"$(nproc)"
done
if [ -z "${ADRESTORE_SKIP_WINDOWS:-}" ]; then
  echo "== build+test: windows (mingw-w64, wine)"
  bash scripts/windows.sh
fi
echo "== fuzz: every target for ${ADRESTORE_FUZZ_SECONDS:-30}s (clang, libFuzzer, ASan+UBSan)"
bash scripts/fuzz.sh smoke
