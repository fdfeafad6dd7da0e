#!/bin/sh
# Benchmark of the restore copy engine against cp + sync (doc/benchmarks.md, "restore copy").
#   bench/restore.sh [restore_copy options]     e.g. bench/restore.sh --size 1Gi --reps 3
# Builds an optimised bench binary in build/bench, then runs it; the scratch data goes to
# bench/.scratch (git-ignored) unless --scratch DIR is given, and is removed afterwards.
# Peak RSS is measured by the program (getrusage in the copying process) and, as a cross-
# check, for the whole program by /usr/bin/time when it is installed.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DADRESTORE_BENCH=ON -DADRESTORE_TESTS=OFF >/dev/null
cmake --build build/bench --target restore_copy -- -j2 >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "file system: $(df -T bench | awk 'NR==2 {print $2 " on " $1}')"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "whole program: peak RSS %M KiB, %e s elapsed" ./build/bench/bench/restore_copy "$@"
else
  ./build/bench/bench/restore_copy "$@"
fi
