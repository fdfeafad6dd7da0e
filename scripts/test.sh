#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds with warnings as errors and with
# ASan+UBSan, and runs every test in both builds. CI runs exactly this (.ci/run).
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
