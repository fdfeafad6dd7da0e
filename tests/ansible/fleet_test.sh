#!/usr/bin/env bash
# ctest ansible-fleet: the adrestore.dc collection with real ansible-playbook against three
# simulated DCs (local connection, one world folder each):
#   1. the action's unit tests (python3 -m unittest) and ansible-lint with no findings;
#   2. check mode changes no byte of the worlds and starts no run;
#   3. a fleet restore where DC02 fails (a diskFull fault in its world): it stays in DSRM with
#      "DO NOT RESTART" while DC01 and DC03 complete (DC03's plan restarts the DC itself); with
#      the fault cleared a re-run resumes DC02's run (same run id) and leaves the others alone
#      (same journal heads);
#   4. ansible-playbook killed with SIGKILL in the middle of a wave's copy, then a re-run that
#      completes every DC; DC03, whose run had stopped after its plan's restart, is only resumed;
#   5. the forest playbook refuses to run until forest plans compile (issue 15).
# Usage: fleet_test.sh ADRESTORE SOURCE_DIR WORK_DIR. Exit 77 (skipped) only without ansible.
set -euo pipefail
if ! command -v ansible-playbook >/dev/null || ! command -v ansible-lint >/dev/null; then
  echo "SKIP: ansible-playbook or ansible-lint is not installed (scripts/setup.sh installs them)"
  exit 77
fi
bin=$(realpath "$1")
src=$(realpath "$2")
work=$3
coll="$src/ansible/ansible_collections/adrestore/dc"
rm -rf "$work"
mkdir -p "$work"
work=$(realpath "$work")
export ANSIBLE_COLLECTIONS_PATH="$src/ansible" ANSIBLE_HOME="$work/ansible-home" ANSIBLE_LOCAL_TEMP="$work/ansible-tmp"
export ANSIBLE_NOCOLOR=1 ANSIBLE_PIPELINING=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DEPRECATION_WARNINGS=0 PYTHONDONTWRITEBYTECODE=1

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)"; }
# A field of `adrestore status --format json` of a host's run.
field() { "$bin" status --state "$work/$1/state/$2" --format json | python3 -c "import json,sys; print(json.load(sys.stdin)$3)"; }
world_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['$3'])" "$work/$1/worlds/$2/world.json"; }

step "unit tests of the restore action's decisions"
(cd "$coll" && PYTHONPATH="$src/ansible" python3 -m unittest discover -s tests/unit -t . -v 2>&1 | tail -n 3)

step "ansible-lint on the collection"
(cd "$coll" && ansible-lint --nocolor -q) || fail "ansible-lint reported findings"

# Three simulated DCs under $work/SET: worlds (online, normal mode, backed up), plans, inventory.
make_fleet() {
  local set=$1 size=$2
  mkdir -p "$work/$set/worlds" "$work/$set/plans" "$work/$set/state"
  {
    echo "domain_controllers:"
    echo "  vars:"
    echo "    ansible_connection: local"
    echo "    ansible_python_interpreter: $(command -v python3)"
    echo "    adrestore_simulated: true"
    echo "    adrestore_executable: $bin"
    echo "    adrestore_lock_timeout: 300"
    echo "    adrestore_ad_ds_timeout: 60"
    echo "  hosts:"
  } > "$work/$set/inventory.yml"
  for n in 1 2 3; do
    local dc="DC0$n" host="dc0$n"
    "$bin" sim init "$work/$set/worlds/$host" --dc "$dc.corp.example.com" --database-size "$size" --logs 2 >/dev/null
    "$bin" backup --api sim --world "$work/$set/worlds/$host" --out "D:\\Backups\\$dc" >/dev/null
    printf 'apiVersion: adrestore/v1\nkind: RestorePlan\nmetadata:\n  name: %s\n  domainController: %s.corp.example.com\nspec:\n  backup:\n    source: '"'"'D:\\Backups\\%s'"'"'\n' \
      "$host" "$dc" "$dc" > "$work/$set/plans/$host.yaml"
    # DC03's plan restarts the DC itself: the role resumes after that boot to confirm AD DS.
    if [ $n = 3 ]; then printf '  afterRestore:\n    restart: normal-mode\n' >> "$work/$set/plans/$host.yaml"; fi
    {
      echo "    $host:"
      echo "      adrestore_world: $work/$set/worlds/$host"
      echo "      adrestore_plan: $work/$set/plans/$host.yaml"
      echo "      adrestore_state_dir: $work/$set/state/$host"
      echo "      adrestore_events: $work/$set/state/$host.events.jsonl"
    } >> "$work/$set/inventory.yml"
  done
}
set_faults() {  # world.json's fault list, as JSON
  python3 - "$1" "$2" <<'PY'
import json, sys
p = sys.argv[1]; j = json.load(open(p)); j["faults"] = json.loads(sys.argv[2]); json.dump(j, open(p, "w"), indent=2)
PY
}
playbook() {  # SET LOG ARGS...: the fleet playbook on SET's inventory
  local set=$1 log=$2; shift 2
  ansible-playbook -v -i "$work/$set/inventory.yml" adrestore.dc.fleet "$@" > "$work/$log" 2>&1
}
snapshot() { (cd "$work/$1" && find worlds state -type f -print0 | sort -z | xargs -0 sha256sum); }

make_fleet a 8Mi
set_faults "$work/a/worlds/dc02/world.json" '[{"diskFull": {"path": "C:\\Windows\\NTDS", "afterBytes": "2Mi", "hidden": true}}]'

step "check mode changes nothing"
before=$(snapshot a)
playbook a check.log --check -e adrestore_serial=3 || { cat "$work/check.log"; fail "the check-mode run failed"; }
[ "$(snapshot a)" = "$before" ] || fail "check mode changed the worlds or the state folders"
[ -z "$(ls -A "$work/a/state")" ] || fail "check mode created a state folder"
grep -q 'check mode: would run' "$work/check.log" \
  || { cat "$work/check.log"; fail "check mode did not say it would run"; }
echo "worlds and state folders byte-identical after --check"

step "a fleet restore: DC02's disk fills during the copy"
if playbook a apply1.log -e adrestore_serial=3 -e adrestore_throttle=2; then
  cat "$work/apply1.log"; fail "the playbook succeeded although DC02 failed"
fi
for h in dc01 dc03; do
  [ "$(field a $h "['outcome']")" = succeeded ] || { cat "$work/apply1.log"; fail "$h did not complete"; }
  [ "$(world_field a $h ntdsOnline)" = True ] || fail "$h: AD DS is not online after the role"
  [ "$(world_field a $h dsrm)" = False ] || fail "$h is still in DSRM"
done
[ "$(field a dc02 "['failedStep']")" = files.copy ] || { cat "$work/apply1.log"; fail "dc02 did not fail at files.copy"; }
[ "$(field a dc02 "['mustNotRestart']")" = True ] || fail "dc02's status does not forbid a restart"
[ "$(world_field a dc02 dsrm)" = True ] || fail "the role restarted dc02 out of DSRM during a registered restore"
grep -q "DO NOT RESTART THIS DC INTO NORMAL MODE" "$work/apply1.log" || fail "no DO NOT RESTART message for dc02"
[ "$(field a dc03 "['status']")" = "completed; the DC was restarted into normal mode" ] \
  || fail "dc03's plan restart was not followed by the resume that confirms AD DS"
echo "dc01 and dc03 (restarted by its plan, then confirmed by a resume) restored and online; dc02 failed at files.copy, kept in DSRM, DO NOT RESTART shown"
run_dc02=$(field a dc02 "['run']")
head_dc01=$(field a dc01 "['journalHead']['sha256']")
head_dc03=$(field a dc03 "['journalHead']['sha256']")

step "the fault cleared, a re-run resumes DC02 and leaves the others alone"
set_faults "$work/a/worlds/dc02/world.json" '[]'
playbook a apply2.log -e adrestore_serial=3 || { cat "$work/apply2.log"; fail "the re-run failed"; }
[ "$(field a dc02 "['outcome']")" = succeeded ] || fail "dc02 did not complete on the re-run"
[ "$(field a dc02 "['run']")" = "$run_dc02" ] || fail "dc02's run was restarted, not resumed"
[ "$(world_field a dc02 ntdsOnline)" = True ] || fail "dc02: AD DS is not online"
[ "$(field a dc01 "['journalHead']['sha256']")" = "$head_dc01" ] || fail "the re-run touched dc01's completed run"
[ "$(field a dc03 "['journalHead']['sha256']")" = "$head_dc03" ] || fail "the re-run touched dc03's completed run"
grep -Eq 'dc01 +: ok=[0-9]+ +changed=0 ' "$work/apply2.log" || { grep -A4 "PLAY RECAP" "$work/apply2.log"; fail "dc01 reported changes on the re-run"; }
echo "dc02 resumed (run $run_dc02) and online; dc01 and dc03 untouched"

step "ansible-playbook killed (SIGKILL) in the middle of a wave"
make_fleet b 128Mi
# DC03's run got as far as its plan's own restart before an earlier controller died: the
# playbook must only resume it (the check that AD DS came online), never boot it into DSRM.
"$bin" sim boot "$work/b/worlds/dc03" --dsrm >/dev/null
"$bin" run --api sim --world "$work/b/worlds/dc03" --state "$work/b/state/dc03" --yes "$work/b/plans/dc03.yaml" >/dev/null
[ "$(field b dc03 "['status']")" = "restarted into normal mode; resume to confirm that AD DS came online" ] \
  || fail "dc03's run did not stop after its plan's restart"
setsid ansible-playbook -i "$work/b/inventory.yml" adrestore.dc.fleet -e adrestore_serial=3 > "$work/killed.log" 2>&1 &
pid=$!
copying=""
for _ in $(seq 1 1200); do
  for h in dc01 dc02; do
    if "$bin" journal dump --state "$work/b/state/$h" 2>/dev/null | grep -q file-progress; then copying=$h; break 2; fi
  done
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$copying" ] || { kill -9 "$pid" 2>/dev/null || true; cat "$work/killed.log"; fail "no copy started"; }
# The orphaned adrestore goes on (as on a real DC when the controller dies), so whether its run
# is still unfinished afterwards is a race; what is certain is that the play was mid-wave.
kill -9 "$pid" || fail "ansible-playbook had already exited"
wait "$pid" 2>/dev/null || true
! grep -q "PLAY RECAP" "$work/killed.log" || fail "the playbook had finished before the kill"
echo "killed ansible-playbook while $copying was copying"
playbook b rerun.log -e adrestore_serial=3 || { cat "$work/rerun.log"; fail "the re-run after the kill failed"; }
for h in dc01 dc02 dc03; do
  [ "$(field b $h "['outcome']")" = succeeded ] || fail "$h did not complete after the re-run"
  [ "$(world_field b $h ntdsOnline)" = True ] || fail "$h: AD DS is not online after the re-run"
done
[ "$(grep -c '^# restart .*dsrm=true' "$work/b/worlds/dc03/calls.log")" = 1 ] \
  || fail "dc03 was booted back into DSRM after its plan's restart"
echo "the re-run completed all three DCs; AD DS online on each; dc03 only resumed after its plan's restart"

step "the forest playbook is not wired yet and says so"
if ansible-playbook -i localhost, adrestore.dc.forest > "$work/forest.log" 2>&1; then fail "the forest playbook ran"; fi
grep -q "not wired yet" "$work/forest.log" || { cat "$work/forest.log"; fail "the forest playbook did not say why"; }

echo
echo "ansible-fleet: all checks passed"
