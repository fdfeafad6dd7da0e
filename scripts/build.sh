#!/usr/bin/env bash
# scripts/build.sh PRESET [TARGET...]: configure once, then an incremental build of the
# given targets (all of them when none is given). Ninja prints its [n/N] progress lines.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=${1:-dev}
shift || true
cd "$root"
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
targets=()
if [ "$#" -gt 0 ]; then targets=(--target "$@"); fi
cmake --build --preset "$preset" "${targets[@]}" -- -j"$(nproc)"
