#!/usr/bin/env bash
# bench/validate.sh [BUILD_DIR]: what validating a restore plan costs.
#
#   1. in one process: plan::load_plan_text in a loop over 1000 generated plans (bench program)
#   2. one process per plan: `adrestore validate PLAN` for each of the 1000 plans
#   3. the whole folder in one `adrestore validate DIR`
#   4. when node is installed: the same schema and plans through js-yaml + Ajv, installed
#      from the npm registry into bench/.scratch (git-ignored) on first use
#
# Targets (doc/benchmarks.md): <= 150 us per plan in one process, <= 10 ms per process.
# ADRESTORE_BENCH_PLANS changes the number of plans.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build/dev}" && pwd)
scratch=$root/bench/.scratch
count=${ADRESTORE_BENCH_PLANS:-1000}
bin=$build/adrestore
bench=$build/bench/adrestore_validate_bench
for f in "$bin" "$bench"; do
  if [ ! -x "$f" ]; then
    echo "missing $f: build first (cmake --preset dev && cmake --build --preset dev)" >&2
    exit 2
  fi
done

plans=$scratch/plans
rm -rf "$plans"
mkdir -p "$plans"
"$bench" --count "$count" --write "$plans" >/dev/null
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "plans:   $count generated into $plans"

echo
echo "== 1. adrestore, one process: load_plan_text in a loop"
"$bench" --count "$count"
"$bench" --count "$count" --invalid

now_ns() { date +%s%N; }

echo
echo "== 2. adrestore, one process per plan"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 10 --runs 200 "$bin validate $plans/dc0000.yaml" "$bin validate $plans/dc0003.yaml" \
    "$bin --version"
else
  echo "(hyperfine not found: timed loops from this shell, fork and exec included)"
fi
start=$(now_ns)
for f in "$plans"/*.yaml; do "$bin" validate "$f" >/dev/null; done
end=$(now_ns)
per_plan_us=$(((end - start) / count / 1000))
start=$(now_ns)
for f in "$plans"/*.yaml; do /bin/true "$f"; done
end=$(now_ns)
baseline_us=$(((end - start) / count / 1000))
echo "adrestore validate PLAN: ${per_plan_us} us per process, wall (target <= 10000 us)"
echo "/bin/true, same loop:    ${baseline_us} us per process (the cost of starting any program here)"
if command -v perf >/dev/null 2>&1; then
  perf stat -r 100 "$bin" validate "$plans/dc0003.yaml" 2>&1 >/dev/null | grep -E "task-clock|elapsed" | sed 's/^ */perf stat: /'
fi

echo
echo "== 3. adrestore, the whole folder in one process"
start=$(now_ns)
"$bin" validate "$plans" >/dev/null
end=$(now_ns)
echo "adrestore validate DIR ($count plans): $(((end - start) / 1000000)) ms, $(((end - start) / count / 1000)) us per plan"

echo
echo "== 4. Ajv + js-yaml (node)"
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  mods=$scratch/node
  if [ ! -d "$mods/node_modules/ajv" ] || [ ! -d "$mods/node_modules/js-yaml" ]; then
    mkdir -p "$mods"
    npm install --prefix "$mods" --no-audit --no-fund --loglevel=error ajv@8 js-yaml@4 >/dev/null
  fi
  export NODE_PATH=$mods/node_modules
  node "$root/bench/ajv_validate.js" "$root/schema/restore-plan.schema.json" "$plans"
  runs=50
  start=$(now_ns)
  for f in $(ls "$plans"/*.yaml | head -n "$runs"); do
    node "$root/bench/ajv_validate.js" "$root/schema/restore-plan.schema.json" --one "$f"
  done
  end=$(now_ns)
  echo "node ajv_validate.js --one PLAN: $(((end - start) / runs / 1000)) us per process, wall ($runs runs)"
else
  echo "node or npm not found: Ajv comparison skipped"
fi
