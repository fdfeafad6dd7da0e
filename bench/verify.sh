#!/usr/bin/env bash
# backup.verify and `adrestore verify` throughput and peak memory, against `openssl dgst
# -sha256` of the same files in the same run. All read warm: every file is read once
# (cat > /dev/null) before the timed runs, so all hash from the page cache (dropping caches
# needs root).
#
#   bench/verify.sh                          # 1.5 GiB DIT + 51 x 10 MiB logs (about 2 GiB), 3 rounds
#   DB_MIB=2048 LOGS=1 LOG_MIB=1 bench/verify.sh   # one 2 GiB ntds.dit (+ a 1 MiB log and the checkpoint)
#   BUILD=build/dev bench/verify.sh          # an existing build dir: built, not reconfigured
#
# Each round times five things back to back: openssl; backup.verify (verify_backup_set, the
# full check); the same reading into buffers instead of hashing from a mapping (the engine
# before it mapped); the hashing alone (hash_files: the floor, so that the checks beyond hashing,
# such as ESE headers and signatures, show as "checks overhead"; issue 17 allows 5 %); and the
# `adrestore verify` command (process start, manifest, output included).
#
# Environment: DB_MIB, LOGS, LOG_MIB (set shape), RUNS (rounds; the best and the median of
# each are reported), THREADS (0 = all cores), BUILD (build dir, default build/bench,
# configured Release when it has no CMakeCache.txt). Scratch space is bench/.scratch,
# removed at the end.
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
CLI=$BUILD/adrestore

trap 'rm -rf "$SCRATCH"' EXIT

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  echo "configuring $BUILD (Release, benches on)" >&2
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DADRESTORE_BENCH=ON -DADRESTORE_TESTS=OFF >/dev/null
fi
echo "building adrestore_bench_verify and adrestore in $BUILD" >&2
cmake --build "$BUILD" --target adrestore_bench_verify adrestore -- -j2 >/dev/null

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/world"
echo "making the set: ${DB_MIB} MiB database + ${LOGS} x ${LOG_MIB} MiB logs" >&2
"$BIN" make "$SCRATCH/world" "$DB_MIB" "$LOGS" "$LOG_MIB"
SET=$SCRATCH/world/fs/D/Backups/DC01/bench
shopt -s nullglob
FILES=("$SET/ntds.dit" "$SET"/logs/*.log "$SET/edb.chk")
shopt -u nullglob
BYTES=$(stat -c %s "${FILES[@]}" | awk '{s += $1} END {print s}')

cat "${FILES[@]}" >/dev/null  # the first read: every tool then runs warm

# timed NAME COMMAND...: appends "wall cpu rss_kib" to $SCRATCH/NAME.times; fails on a failed check.
ok=true
timed() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$SCRATCH/time" "$@" >"$SCRATCH/$name.out" || ok=false
  read -r s u y kb < <(tail -n 1 "$SCRATCH/time")  # after "Command exited with non-zero status"
  echo "$s $(awk -v u="$u" -v y="$y" 'BEGIN {print u + y}') $kb" >>"$SCRATCH/$name.times"
  echo "$s"
}

for i in $(seq "$RUNS"); do
  a=$(timed openssl openssl dgst -sha256 "${FILES[@]}")
  b=$(timed verify "$BIN" verify "$SCRATCH/world" "$THREADS")
  r=$(timed read env ADRESTORE_BENCH_NO_MAP=1 "$BIN" verify "$SCRATCH/world" "$THREADS")
  c=$(timed hash "$BIN" hash "$SCRATCH/world" "$THREADS")
  d=$(timed cli "$CLI" verify --format json -j "$THREADS" --api sim --world "$SCRATCH/world" 'D:\Backups\DC01\bench')
  echo "round $i: openssl ${a}s; backup.verify ${b}s (read into buffers ${r}s); hashing alone ${c}s; adrestore verify ${d}s" >&2
done
grep -q '"ok": true' "$SCRATCH/cli.out" || ok=false

# best (with that run's CPU), median wall, and peak RSS of each tool
stats() {
  sort -n "$SCRATCH/$1.times" | awk '{w[NR] = $1; c[NR] = $2; if ($3 > m) m = $3} END {
    printf "%s %s %s %s\n", w[1], c[1], w[int((NR + 1) / 2)], m }'
}
read -r os os_cpu os_med os_rss <<<"$(stats openssl)"
read -r v v_cpu v_med v_rss <<<"$(stats verify)"
read -r h h_cpu h_med h_rss <<<"$(stats hash)"
read -r r r_cpu r_med r_rss <<<"$(stats read)"
read -r c c_cpu c_med c_rss <<<"$(stats cli)"

awk -v bytes="$BYTES" -v ok="$ok" -v threads="$THREADS" -v files="${#FILES[@]}" -v cores="$(nproc)" \
    -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v runs="$RUNS" \
    -v os="$os" -v osc="$os_cpu" -v osm="$os_med" -v osr="$os_rss" \
    -v v="$v" -v vc="$v_cpu" -v vm="$v_med" -v vr="$v_rss" \
    -v r="$r" -v rc="$r_cpu" -v rm="$r_med" -v rr="$r_rss" \
    -v h="$h" -v hc="$h_cpu" -v hm="$h_med" -v hr="$h_rss" \
    -v c="$c" -v cc="$c_cpu" -v cm="$c_med" -v cr="$c_rss" 'BEGIN {
  mib = bytes / 1048576
  t = threads == 0 ? cores : threads
  printf "set: %.0f MiB in %d files; warm page cache; %d rounds; %d cores; load average %s\n", mib, files, runs, cores, load
  printf "| tool | best wall s | median wall s | MiB/s (best) | CPU s (best run) | peak RSS |\n|---|---|---|---|---|---|\n"
  printf "| openssl dgst -sha256 (one pass, one thread) | %.2f | %.2f | %.0f | %.2f | %.1f MiB |\n", os, osm, mib / os, osc, osr / 1024
  printf "| backup.verify (full check, %d threads) | %.2f | %.2f | %.0f | %.2f | %.1f MiB |\n", t, v, vm, mib / v, vc, vr / 1024
  printf "| backup.verify reading into buffers (no mapping; the engine before) | %.2f | %.2f | %.0f | %.2f | %.1f MiB |\n", r, rm, mib / r, rc, rr / 1024
  printf "| hashing alone (hash_files, %d threads) | %.2f | %.2f | %.0f | %.2f | %.1f MiB |\n", t, h, hm, mib / h, hc, hr / 1024
  printf "| adrestore verify --format json | %.2f | %.2f | %.0f | %.2f | %.1f MiB |\n", c, cm, mib / c, cc, cr / 1024
  printf "throughput backup.verify/openssl: %.2fx best, %.2fx median; adrestore verify/openssl: %.2fx best, %.2fx median\n", os / v, osm / vm, os / c, osm / cm
  printf "mapping vs reading into buffers: %.2fx best, %.2fx median\n", r / v, rm / vm
  printf "checks overhead (backup.verify over hashing alone): %+.1f%% best, %+.1f%% median (issue 17: at most 5%%)\n", 100 * (v / h - 1), 100 * (vm / hm - 1)
  printf "verify peak RSS %.1f MiB (target < 64 MiB); every check ok: %s\n", (vr > cr ? vr : cr) / 1024, ok
}'
