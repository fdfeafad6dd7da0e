#!/usr/bin/env bash
# The report in a real browser (ctest report-browser): makes the demo's killed-and-resumed run
# (scripts/demo.sh: DC01, a 512 MiB database, SIGKILL during files.copy, resume), renders
# `adrestore report`, and loads it in headless Chromium. Checks the DOM Chromium built: every
# journaled step has a bar in the timeline, one bar per step segment (each step-started), the
# dead process's gap is drawn, the page's scripts ran, and nothing was logged to the console
# (script errors, blocked fetches). Keeps a screenshot as the CI artifact:
#   <build>/report-browser/report.png (and report.html, dom.html, chromium.log beside it).
# Usage: browser_test.sh ADRESTORE_BINARY SOURCE_DIR OUT_DIR. Exit 77 (skipped) without chromium.
set -euo pipefail
bin=$1
src=$2
out=$3
if ! command -v chromium >/dev/null 2>&1; then
  echo "SKIPPED: chromium is not installed (bash scripts/setup.sh installs it); the report was not checked in a browser"
  exit 77
fi
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)  # file:// URLs need an absolute path
world="$out/dc01"
state="$out/state"
plan="$src/plans/dc01-minimal.yaml"
"$bin" sim init "$world" --dc DC01.corp.example.com --database-size 512Mi >/dev/null
"$bin" backup --api sim --world "$world" --out 'D:\Backups\DC01' >/dev/null
"$bin" sim boot "$world" --dsrm >/dev/null

# A run that dies in the middle of files.copy, then a resume. The demo kills it from outside
# once the journal shows a copied chunk; here the world's crash fault kills it at half the
# copy, so the moment does not depend on how fast the poll sees the journal (under ASan on a
# loaded machine the whole copy once finished between two polls).
python3 - "$world/world.json" <<'PY'
import json, sys
p = sys.argv[1]; j = json.load(open(p))
j["faults"] = j.get("faults", []) + [{"crash": {"atStep": "files.copy", "afterBytes": "50%"}}]
json.dump(j, open(p, "w"), indent=2)
PY
"$bin" run --api sim --world "$world" --state "$state" --yes "$plan" >"$out/run.log" 2>&1 || true
if "$bin" journal dump --state "$state" | grep -q "run-finished"; then
  fail "the run finished before it could be killed; the test needs a killed run"
fi
"$bin" resume --state "$state" --yes >"$out/resume.log" 2>&1 || fail "resume failed: $(tail -n 5 "$out/resume.log")"

"$bin" report --state "$state" --out "$out/report.html" 2>/dev/null
dump=$("$bin" journal dump --state "$state")
grep -q "run-resumed" <<<"$dump" || fail "the journal has no run-resumed record"
segments=$(grep -c " step-started " <<<"$dump")
steps=$(grep -o " step-started step=[^ ]*" <<<"$dump" | sed 's/.*step=//' | sort -u)

browser=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
  --user-data-dir="$out/profile" --enable-logging=stderr --v=0)
url="file://$out/report.html"
timeout 120 "${browser[@]}" --dump-dom "$url" >"$out/dom.html" 2>"$out/chromium.log" || fail "chromium --dump-dom failed (see $out/chromium.log)"
timeout 120 "${browser[@]}" --window-size=1100,2400 --screenshot="$out/report.png" "$url" >/dev/null 2>>"$out/chromium.log" ||
  fail "chromium --screenshot failed (see $out/chromium.log)"
[ -s "$out/report.png" ] || fail "no screenshot at $out/report.png"

dom=$(cat "$out/dom.html")
grep -q 'data-rendered="1"' <<<"$dom" || fail "the page's script did not run to its end"
if grep -q 'data-script-errors="' <<<"$dom"; then fail "the page raised script errors"; fi
if grep -q ':CONSOLE' "$out/chromium.log"; then
  fail "console messages: $(grep ':CONSOLE' "$out/chromium.log" | head -n 5)"
fi
bars=$(grep -o '<rect class="seg [a-z]*"' <<<"$dom" | wc -l)
[ "$bars" -eq "$segments" ] || fail "$bars timeline bars for $segments step segments"
for step in $steps; do
  grep -q "<rect class=\"seg [a-z]*\" data-step=\"$step\"" <<<"$dom" || fail "step $step has no bar in the timeline"
  grep -q "class=\"step-row\" data-step=\"$step\"" <<<"$dom" || fail "step $step is not in the steps table"
done
grep -q 'data-step="files.copy" data-outcome="died"' <<<"$dom" || fail "the killed copy is not drawn as died"
grep -q '<g class="dead">' <<<"$dom" || fail "the gap where no process ran is not drawn"
grep -q '<svg class="throughput" data-step="files.copy"' <<<"$dom" || fail "no files.copy throughput chart"
rm -rf "$world" "$state" "$out/profile"  # 1.5 GiB of simulated disks; the report and screenshot stay
echo "ok: $bars bars for $(wc -w <<<"$steps") steps, no console messages; screenshot $out/report.png"
