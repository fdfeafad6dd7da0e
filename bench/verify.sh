#!/usr/bin/env bash
# backup.verify throughput and peak memory, against `openssl dgst -sha256` of the same
# files in the same run. Both read warm: every file is read once (cat > /dev/null) before
# the timed runs, so both hash from the page cache (dropping caches needs root).
#
#   bench/verify.sh                 # 1.5 GiB DIT + 51 x 10 MiB logs (about 2 GiB), 3 rounds
#   DB_MIB=512 LOGS=10 bench/verify.sh
#
# Environment: DB_MIB, LOGS, LOG_MIB (set shape), RUNS (rounds, best of each is kept),
# THREADS (0 = all cores), BUILD (build dir, default build/bench). Scratch space is
# bench/.scratch, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build/bench}
SCRATCH=$ROOT/bench/.scratch
DB_MIB=${DB_MIB:-1536}
LOGS=${LOGS:-51}
LOG_MIB=${LOG_MIB:-10}
RUNS=${RUNS:-3}
THREADS=${THREADS:-0}
BIN=$BUILD/bench/adrestore_bench_verify

trap 'rm -rf "$SCRATCH"' EXIT

echo "building adrestore_bench_verify (Release) in $BUILD" >&2
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DADRESTORE_BENCH=ON -DADRESTORE_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target adrestore_bench_verify -- -j2 >/dev/null

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/world"
echo "making the set: ${DB_MIB} MiB database + ${LOGS} x ${LOG_MIB} MiB logs" >&2
"$BIN" make "$SCRATCH/world" "$DB_MIB" "$LOGS" "$LOG_MIB"
SET=$SCRATCH/world/fs/D/Backups/DC01/bench
FILES=("$SET/ntds.dit" "$SET"/logs/*.log "$SET/edb.chk")
BYTES=$(stat -c %s "${FILES[@]}" | awk '{s += $1} END {print s}')

cat "${FILES[@]}" >/dev/null  # the first read: both tools then run warm

# Each round times both tools back to back; the best wall time of each is kept, with the
# CPU time (user + sys) of that run.
best_os=999999 best_v=999999 os_cpu=0 v_cpu=0 os_rss=0 v_rss=0 ok=true
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S %M" -o "$SCRATCH/time" openssl dgst -sha256 "${FILES[@]}" >/dev/null
  read -r s u y kb <"$SCRATCH/time"
  os_s=$s
  if awk -v a="$best_os" -v b="$s" 'BEGIN {exit !(b < a)}'; then best_os=$s; os_cpu=$(awk -v u="$u" -v y="$y" 'BEGIN {print u + y}'); fi
  os_rss=$kb
  /usr/bin/time -f "%e %U %S %M" -o "$SCRATCH/time" "$BIN" verify "$SCRATCH/world" "$THREADS" >"$SCRATCH/verify.json" || ok=false
  read -r s u y kb <"$SCRATCH/time"
  if awk -v a="$best_v" -v b="$s" 'BEGIN {exit !(b < a)}'; then best_v=$s; v_cpu=$(awk -v u="$u" -v y="$y" 'BEGIN {print u + y}'); fi
  [ "$kb" -gt "$v_rss" ] && v_rss=$kb
  echo "round $i: openssl ${os_s}s; verify ${s}s $(cat "$SCRATCH/verify.json")" >&2
done

awk -v bytes="$BYTES" -v os="$best_os" -v v="$best_v" -v osc="$os_cpu" -v vc="$v_cpu" -v osr="$os_rss" -v vr="$v_rss" \
    -v ok="$ok" -v threads="$THREADS" -v files="${#FILES[@]}" -v cores="$(nproc)" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v runs="$RUNS" 'BEGIN {
  mib = bytes / 1048576
  printf "set: %.0f MiB in %d files; warm page cache; best of %d rounds; %d cores; load average %s\n", mib, files, runs, cores, load
  printf "| tool | wall s | MiB/s | CPU s | peak RSS |\n|---|---|---|---|---|\n"
  printf "| openssl dgst -sha256 (one pass, one thread) | %.2f | %.0f | %.2f | %.1f MiB |\n", os, mib / os, osc, osr / 1024
  printf "| backup.verify (whole + chunk hashes, %s threads) | %.2f | %.0f | %.2f | %.1f MiB |\n", threads == 0 ? cores : threads, v, mib / v, vc, vr / 1024
  printf "throughput verify/openssl: %.2fx (target >= 0.9x); verify peak RSS %.1f MiB (target < 64 MiB); verify ok: %s\n", os / v, vr / 1024, ok
}'
