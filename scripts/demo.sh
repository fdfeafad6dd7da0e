#!/usr/bin/env bash
# The README's first command: installs what is missing, builds adrestore, and walks through a
# whole simulated restore: a DC and its backup, validation and preview, a run killed in the
# middle of the copy, status, resume, and the evidence (restored files, calls the DC received).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
# Only the adrestore CLI (not the tests and benchmarks), in the `quick` preset (-O1, no debug
# info: about half the compile time of the dev preset), with ninja's [n/N] progress shown.
if [ ! -x build/quick/adrestore ]; then
  echo "== Building adrestore: the first build compiles about 100 files, several minutes on a 2-core machine (doc/benchmarks.md); later runs take seconds"
fi
bash scripts/build.sh quick adrestore
bin="$root/build/quick/adrestore"
demo="$root/build/demo"
rm -rf "$demo"
mkdir -p "$demo"
world="$demo/dc01"
state="$demo/state"
plan="$root/plans/dc01-minimal.yaml"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "Validate the example runbooks" "adrestore validate plans/"
"$bin" validate plans/

step "A broken plan: every error with file:line:col, field and a fix" "adrestore validate doc/examples/broken-plan.yaml"
"$bin" validate doc/examples/broken-plan.yaml || echo "(exit code $?: the plan is invalid)"

step "A simulated DC01 with a 512 MiB database" "adrestore sim init $world --dc DC01.corp.example.com --database-size 512Mi"
"$bin" sim init "$world" --dc DC01.corp.example.com --database-size 512Mi

step "Back it up through the NTDS backup API" "adrestore backup --api sim --world $world --out 'D:\\Backups\\DC01'"
"$bin" backup --api sim --world "$world" --out 'D:\Backups\DC01'

step "Disaster: boot the DC into Directory Services Restore Mode" "adrestore sim boot $world --dsrm"
"$bin" sim boot "$world" --dsrm

step "Validate the plan against the backup set it names" "adrestore validate --api sim --world $world $plan"
"$bin" validate --api sim --world "$world" "$plan"

step "Preview the restore" "adrestore plan --api sim --world $world $plan"
"$bin" plan --api sim --world "$world" "$plan"

step "Run it, and kill it (SIGKILL) in the middle of the copy" \
  "adrestore run --api sim --world $world --state $state --yes $plan   # then kill -9"
"$bin" run --api sim --world "$world" --state "$state" --yes "$plan" &
pid=$!
# Wait until the first chunk of the copy is journaled as verified, then pull the plug.
for _ in $(seq 1 600); do
  if "$bin" journal dump --state "$state" 2>/dev/null | grep -q "file-progress"; then break; fi
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || echo "(the run was killed: exit code $?)"

step "Where does the run stand?" "adrestore status --state $state"
"$bin" status --state "$state"

step "Resume it" "adrestore resume --state $state --yes"
"$bin" resume --state "$state" --yes

step "The restored files, verified against the backup set" "sha256sum ..."
(cd "$world/fs/D/Backups/DC01" && sha256sum ntds.dit edb0000*.log) > "$demo/backup.sha256"
(cd "$world/fs/C/Windows/NTDS" && sha256sum -c "$demo/backup.sha256")

step "The calls the DC received (calls.log)" "grep -v '^#' $world/calls.log | tail"
grep -E '^(DsIsNTDSOnline|DsRestore)' "$world/calls.log" | tail -n 14

step "The evidence: one self-contained HTML report of the killed and resumed run" \
  "adrestore report --state $state --out $demo/report.html"
"$bin" report --state "$state" --out "$demo/report.html"

# Act two: DC02's plan has hooks, an authoritative OU and a restart into normal mode.
world2="$demo/dc02"
state2="$demo/state2"
plan2="$root/plans/dc02-hooks.yaml"
"$bin" sim init "$world2" --dc DC02.corp.example.com --database-size 16Mi >/dev/null
"$bin" backup --api sim --world "$world2" --out 'D:\Backups\DC02' >/dev/null
"$bin" sim boot "$world2" --dsrm >/dev/null
# The hook programs of the plan, as stand-ins in the simulated C:\Tools: real processes.
mkdir -p "$world2/fs/C/Tools"
for tool in avctl agentctl notify; do
  printf '#!/bin/sh\necho "%s called with: $*"\n' "$tool" > "$world2/fs/C/Tools/$tool.exe"
  chmod +x "$world2/fs/C/Tools/$tool.exe"
done

step "DC02: a plan with hooks, an authoritative OU and a restart into normal mode" \
  "adrestore run --api sim --world $world2 --state $state2 --yes plans/dc02-hooks.yaml"
"$bin" run --api sim --world "$world2" --state "$state2" --yes "$plan2"

step "After the reboot: resume checks that AD DS came online" "adrestore resume --state $state2 --yes"
"$bin" resume --state "$state2" --yes

step "What the hooks received (their logs)" "cat $state2/logs/hooks/notify-ops.log"
cat "$state2/logs/hooks/notify-ops.log"

printf '\nThe demo worlds, state, logs and report.html are in %s.\n' "$demo"
