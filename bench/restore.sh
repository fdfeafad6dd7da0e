#!/bin/sh
# files.copy throughput and peak memory against cp + sync of the same files in the same run
# (doc/benchmarks.md, "restore copy"); also the journal's append + fsync cost per record.
#
#   bench/restore.sh                       # 2 GiB in 4 files, 2 rounds
#   bench/restore.sh --size 1Gi --reps 3   # any restore_copy option, see bench/restore_copy.cpp
#
# Builds an optimised bench binary in build/bench (BUILD=dir to change), then runs it. Scratch
# data goes to bench/.scratch/restore-copy (git-ignored) and is removed afterwards. Peak RSS
# is measured by the program in the copying process (getrusage) and, as a cross-check, for
# the whole program by /usr/bin/time when it is installed.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/bench}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DADRESTORE_BENCH=ON -DADRESTORE_TESTS=OFF >/dev/null
cmake --build "$BUILD" --target adrestore_bench_restore_copy -- -j2 >/dev/null
BIN=$BUILD/bench/adrestore_bench_restore_copy
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file system: $(df -T bench | awk 'NR==2 {print $2 " on " $1}')"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "whole program: peak RSS %M KiB, %e s elapsed" "$BIN" "$@"
else
  "$BIN" "$@"
fi
