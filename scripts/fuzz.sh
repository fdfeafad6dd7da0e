#!/usr/bin/env bash
# The libFuzzer targets in fuzz/ (doc/fuzzing.md), built with clang in the fuzz preset.
#   scripts/fuzz.sh smoke                 every target for $ADRESTORE_FUZZ_SECONDS (default 30) each;
#                                         fails if any target finds a crash (the CI stage)
#   scripts/fuzz.sh run TARGET [SECONDS] [LIBFUZZER_FLAG...]
#                                         one target, for SECONDS (default: until stopped)
#   scripts/fuzz.sh cpu TARGET CPU_SECONDS [LIBFUZZER_FLAG...]
#                                         one target until it has used CPU_SECONDS of CPU time (on a
#                                         shared machine wall time says little); stopped with SIGINT,
#                                         so libFuzzer prints its final statistics
#   scripts/fuzz.sh list                  the targets
# New inputs go to build/fuzz/corpus/TARGET (the checked-in seeds in fuzz/corpus/TARGET are
# only read); crashes, timeouts and out-of-memory inputs land in build/fuzz/findings/TARGET/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-smoke}
shift || true

bash scripts/build.sh fuzz >&2  # progress on stderr: list prints only the names
bin_dir=build/fuzz/fuzz
targets=()
for bin in "$bin_dir"/fuzz_*; do targets+=("${bin##*/fuzz_}"); done

# Runs one target; prints libFuzzer's final line and stats; returns its exit code.
run_target() {
  local target=$1 seconds=$2
  shift 2
  local work=build/fuzz/corpus/$target findings=build/fuzz/findings/$target
  local dict=()
  [ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")
  mkdir -p "$work" "$findings"
  local limit=()
  [ "$seconds" -gt 0 ] && limit=(-max_total_time="$seconds")
  # With RUN_EXEC set (cpu mode, in a background subshell) the fuzzer replaces the subshell,
  # so $! is the fuzzer itself and its CPU time can be read.
  ${RUN_EXEC:+exec} "$bin_dir/fuzz_$target" "$work" "fuzz/corpus/$target" "${dict[@]}" "${limit[@]}" \
    -artifact_prefix="$findings/" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@"
}

case "$mode" in
  list)
    printf '%s\n' "${targets[@]}"
    ;;
  run)
    target=${1:?usage: scripts/fuzz.sh run TARGET [SECONDS] [LIBFUZZER_FLAG...]}
    seconds=${2:-0}
    shift 2 || shift
    run_target "$target" "$seconds" "$@"
    ;;
  cpu)
    target=${1:?usage: scripts/fuzz.sh cpu TARGET CPU_SECONDS}
    budget=${2:?usage: scripts/fuzz.sh cpu TARGET CPU_SECONDS [LIBFUZZER_FLAG...]}
    shift 2
    hz=$(getconf CLK_TCK)
    RUN_EXEC=1 run_target "$target" 0 "$@" &
    pid=$!
    trap 'kill -INT $pid 2>/dev/null' INT TERM
    while kill -0 "$pid" 2>/dev/null; do
      sleep 10
      # utime + stime of the fuzzer, fields 14 and 15 of /proc/PID/stat
      read -r -a f <"/proc/$pid/stat" 2>/dev/null || break
      used=$(((f[13] + f[14]) / hz))
      [ "$used" -ge "$budget" ] && { echo "== $target: ${used} CPU-s used, stopping" >&2; kill -INT "$pid"; break; }
    done
    rc=0; wait "$pid" || rc=$?
    # SIGINT makes libFuzzer exit with 72 after its statistics; anything else is a finding
    [ "$rc" -eq 0 ] || [ "$rc" -eq 72 ] || [ "$rc" -eq 130 ] || exit "$rc"
    ;;
  smoke)
    seconds=${ADRESTORE_FUZZ_SECONDS:-30}
    failed=()
    for target in "${targets[@]}"; do
      echo "== fuzz: $target (${seconds}s)"
      log=build/fuzz/findings/$target.log
      mkdir -p build/fuzz/findings
      if run_target "$target" "$seconds" >"$log" 2>&1; then
        grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units)' "$log" || true
      else
        failed+=("$target")
        tail -n 60 "$log"
      fi
    done
    if [ ${#failed[@]} -gt 0 ]; then
      echo "fuzz: findings in ${failed[*]}: inputs in build/fuzz/findings/; see doc/fuzzing.md to minimise and keep them" >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: scripts/fuzz.sh smoke | run TARGET [SECONDS] [FLAG...] | cpu TARGET CPU_SECONDS [FLAG...] | list" >&2
    exit 2
    ;;
esac
