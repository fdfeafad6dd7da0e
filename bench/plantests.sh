#!/bin/sh
# Times `adrestore test` on 50 plan tests: copies of the example tests in plans/tests/ with
# distinct names, in a scratch folder. Target: under 30 s on a 2-core machine.
# Usage: bench/plantests.sh [ADRESTORE_BINARY] [COUNT]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/dev/adrestore}
count=${2:-50}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/adrestore-bench-XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
cp -R "$here/plans" "$scratch/plans"
rm -rf "$scratch/plans/tests"
mkdir -p "$scratch/plans/tests"
set -- $(cd "$here/plans/tests" && find . -name '*.test.yaml' | sort)
n=0
while [ "$n" -lt "$count" ]; do
  for t in "$@"; do
    [ "$n" -lt "$count" ] || break
    dir=$(dirname "$t")
    mkdir -p "$scratch/plans/tests/$dir"
    base=$(basename "$t" .test.yaml)
    sed "s/^  name: \(.*\)$/  name: \1-copy$n/" "$here/plans/tests/$t" >"$scratch/plans/tests/$dir/$base-$n.test.yaml"
    n=$((n + 1))
  done
done
start=$(date +%s.%N)
status=0
"$bin" test -q "$scratch/plans/tests" >"$scratch/out.txt" 2>&1 || status=$?
end=$(date +%s.%N)
tail -n 1 "$scratch/out.txt"
echo "$count plan tests in $(echo "$end - $start" | bc) s (cores: $(nproc), exit $status)"
exit "$status"
