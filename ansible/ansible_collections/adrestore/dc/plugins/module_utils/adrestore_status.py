# -*- coding: utf-8 -*-
# The decisions of the adrestore.dc.restore action, as pure functions of the CLI's JSON and
# exit codes, so they are unit-tested without a target. No restore logic lives here: what a
# resume does is adrestore's business; this only chooses which command to call.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

# README.md "Exit codes", the same for every command (runner/cli/exit_codes.h).
EXIT_CODES = {
    0: "success",
    1: "invalid input",
    2: "usage error or unreadable file",
    3: "the restore failed safely",
    4: "interrupted and resumable",
    5: "refused",
}

# Decisions.
RUN = "run"          # no journal in the state folder: start the plan
RESUME = "resume"    # a run stopped, failed, was refused or restarted the DC: continue it
DONE = "done"        # the run completed: nothing to do
WAIT = "wait"        # another adrestore process holds the run's lock
STOP = "stop"        # the state folder holds something this task must not act on


class CliError(Exception):
    """The CLI answered in a way the action does not understand: fail loudly."""


def exit_meaning(rc):
    """The README's meaning of an exit code; an unknown code is an error, never a guess."""
    if rc not in EXIT_CODES:
        raise CliError("adrestore exited with code %s, which is not one of its documented exit codes "
                       "(0-5); refusing to guess what happened" % rc)
    return EXIT_CODES[rc]


def no_journal(rc, stderr):
    """`status` on a state folder without a journal: exit 2 and 'no journal at ...'."""
    return rc == 2 and "no journal" in (stderr or "")


def parse_status(rc, stdout, stderr):
    """The document of `adrestore status --format json`, or None when no run was started."""
    if no_journal(rc, stderr):
        return None
    meaning = exit_meaning(rc)
    if rc != 0:
        raise CliError("adrestore status failed (exit %d, %s): %s" % (rc, meaning, (stderr or "").strip()))
    try:
        doc = json.loads(stdout)
    except ValueError as e:
        raise CliError("adrestore status --format json printed something that is not JSON: %s" % e)
    if not isinstance(doc, dict) or "outcome" not in doc or "steps" not in doc:
        raise CliError("adrestore status --format json lacks 'outcome' or 'steps'; is this adrestore too old?")
    return doc


def restarted_by_plan(status):
    """The plan's system.restart ran: the DC left DSRM, and only the post-restart check remains
    (booting it back into DSRM would make that check fail)."""
    if not status:
        return False
    return any(s.get("step") == "system.restart" and s.get("status") == "succeeded"
               for s in status.get("steps") or [])


def same_plan(status_plan_file, plan_file):
    """The journal's plan file is the one this task names (the CLI records it as given)."""
    def norm(p):
        return (p or "").replace("\\", "/").rstrip("/").lower()
    return norm(status_plan_file) == norm(plan_file)


def decide(status, plan_file):
    """(decision, message) from the status document (None: no journal)."""
    if status is None:
        return RUN, "no run in this state folder yet: run the plan"
    if not same_plan(status.get("planFile"), plan_file):
        return STOP, ("the state folder %s holds a run of %s, not of %s; use another state folder or "
                      "remove that run deliberately" % (status.get("state"), status.get("planFile"), plan_file))
    if status.get("lockHeld"):
        return WAIT, "another adrestore process holds the lock of this run"
    outcome = status.get("outcome")
    if outcome == "succeeded":
        return DONE, "the run completed: %s" % status.get("status")
    if outcome is None and restarted_by_plan(status):
        return RESUME, "the plan restarted the DC: resume to confirm that AD DS came online"
    if outcome in (None, "failed", "interrupted", "refused"):
        return RESUME, "the run stopped (%s): resume it" % status.get("status")
    raise CliError("adrestore status reports an outcome %r this collection does not know" % outcome)


def command_argv(executable, decision, plan_file, state_dir, api=None, world=None, events=None,
                 plan_changed_ok=False):
    """The argv of the run or resume this decision calls for (always --yes: nobody types)."""
    if decision == RUN:
        argv = [executable, "run", "--state", state_dir, "--yes"]
    elif decision == RESUME:
        argv = [executable, "resume", "--state", state_dir, "--yes"]
        if plan_changed_ok:
            argv.append("--plan-changed-ok")
    else:
        raise ValueError("no command for decision %r" % decision)
    argv += backend_args(api, world)
    if events:
        argv += ["--events", events]
    if decision == RUN:
        argv.append(plan_file)
    return argv


def backend_args(api, world):
    argv = []
    if api:
        argv += ["--api", api]
    if world:
        argv += ["--world", world]
    return argv


def summary(status):
    """What the task returns about the run, from the status document."""
    if status is None:
        return {"outcome": None, "status": "no run yet", "must_not_restart": False, "steps": [],
                "resume": [], "failed_step": None, "journal_head": None, "restarted": False, "run": None}
    return {
        "run": status.get("run"),
        "outcome": status.get("outcome"),
        "status": status.get("status"),
        "must_not_restart": bool(status.get("mustNotRestart")),
        "failed_step": status.get("failedStep"),
        "steps": status.get("steps") or [],
        "resume": status.get("resume") or [],
        "journal_head": status.get("journalHead"),
        "restarted": restarted_by_plan(status),
        "warnings": status.get("warnings") or [],
    }
