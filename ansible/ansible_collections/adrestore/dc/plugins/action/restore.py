# -*- coding: utf-8 -*-
# The adrestore.dc.restore action: runs on the controller and calls the installed adrestore on
# the target through ansible.builtin.command (Linux) or ansible.windows.win_command (Windows),
# so one decision code serves both; module_utils/adrestore_status.py holds the decisions.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time
from contextlib import contextmanager

from ansible.plugins.action import ActionBase
from ansible_collections.adrestore.dc.plugins.module_utils import adrestore_status as st

ARGUMENT_SPEC = {
    "plan": {"type": "str", "required": True},
    "state_dir": {"type": "str", "required": True},
    "mode": {"type": "str", "default": "apply", "choices": ["apply", "status", "validate"]},
    "executable": {"type": "str", "default": "adrestore"},
    "api": {"type": "str", "choices": ["sim", "win32"]},
    "world": {"type": "str"},
    "events": {"type": "str"},
    "plan_changed_ok": {"type": "bool", "default": False},
    "lock_timeout": {"type": "int", "default": 600},
}

# Output kept in the result: enough to read an error, never a whole run's log.
_TAIL = 8000


@contextmanager
def _read_only(task):
    # status, validate and plan change nothing, so they run in check mode too (the command
    # modules would otherwise skip them).
    saved = task.check_mode
    task.check_mode = False
    try:
        yield
    finally:
        task.check_mode = saved


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = True

    def _cli(self, argv, task_vars):
        windows = getattr(self._connection._shell, "SHELL_FAMILY", "") == "powershell"
        module = "ansible.windows.win_command" if windows else "ansible.builtin.command"
        r = self._execute_module(module_name=module, module_args={"argv": argv}, task_vars=task_vars)
        if "rc" not in r:
            raise st.CliError("could not start %s on the target: %s" % (argv[0], r.get("msg", r)))
        return r["rc"], r.get("stdout", ""), r.get("stderr", "")

    def _status(self, args, task_vars):
        with _read_only(self._task):
            rc, out, err = self._cli([args["executable"], "status", "--state", args["state_dir"],
                                      "--format", "json"], task_vars)
        return st.parse_status(rc, out, err)

    def _wait_for_lock(self, args, task_vars):
        deadline = time.time() + args["lock_timeout"]
        while True:
            status = self._status(args, task_vars)
            decision, msg = st.decide(status, args["plan"])
            if decision != st.WAIT or time.time() >= deadline:
                return status, decision, msg
            time.sleep(5)

    def _validate(self, args, task_vars, result):
        argv = [args["executable"], "validate", "--format", "json"] + st.backend_args(args.get("api"), args.get("world"))
        with _read_only(self._task):
            rc, out, err = self._cli(argv + [args["plan"]], task_vars)
        result["rc"] = rc
        result["validation"] = _json_or_text(out)
        if rc != 0:
            result["failed"] = True
            result["msg"] = "adrestore validate: %s (exit %d)%s" % (st.exit_meaning(rc), rc, _err(err))
        else:
            result["msg"] = "the plan is valid"
        return result

    def _preview(self, args, task_vars, result, decision):
        # Check mode: the compiled step graph, without the simulated world or the DC (a
        # preview with --world would call the API, which writes the world's calls.log).
        with _read_only(self._task):
            rc, out, err = self._cli([args["executable"], "plan", "--format", "json", args["plan"]], task_vars)
        st.exit_meaning(rc)
        result["preview"] = _json_or_text(out)
        result["rc"] = rc
        result["changed"] = decision in (st.RUN, st.RESUME)
        if rc != 0:
            result["failed"] = True
            result["msg"] = "adrestore plan: %s (exit %d)%s" % (st.exit_meaning(rc), rc, _err(err))
        else:
            result["msg"] = "check mode: would %s" % ("do nothing" if decision == st.DONE else decision)
        return result

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        result = super(ActionModule, self).run(tmp, task_vars)
        # An empty api, world or events is unset, so a role can pass them through module_defaults
        # for every host (omit is not resolved there).
        for key in ("api", "world", "events"):
            if self._task.args.get(key) in ("", None):
                self._task.args.pop(key, None)
        _, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        result.update(changed=False, failed=False)
        try:
            if args["mode"] == "validate":
                return self._validate(args, task_vars, result)
            status, decision, msg = self._wait_for_lock(args, task_vars)
            result.update(st.summary(status), decision=decision, msg=msg)
            if decision == st.WAIT:
                result.update(failed=True, msg="%s after %d s; re-run when it has finished"
                              % (msg, args["lock_timeout"]))
                return result
            if decision == st.STOP:
                result.update(failed=True)
                return result
            if args["mode"] == "status":
                return result
            if self._task.check_mode:
                return self._preview(args, task_vars, result, decision)
            if decision == st.DONE:
                return result
            argv = st.command_argv(args["executable"], decision, args["plan"], args["state_dir"],
                                   api=args.get("api"), world=args.get("world"), events=args.get("events"),
                                   plan_changed_ok=args["plan_changed_ok"])
            rc, out, err = self._cli(argv, task_vars)
            meaning = st.exit_meaning(rc)
            after = self._status(args, task_vars)
            result.update(st.summary(after), changed=True, rc=rc, command=argv,
                          stdout=out[-_TAIL:], stderr=err[-_TAIL:])
            if rc != 0:
                result["failed"] = True
                result["msg"] = "adrestore %s: %s (exit %d)%s" % (argv[1], meaning, rc, _err(err))
                if result["must_not_restart"]:
                    result["msg"] += (". DO NOT RESTART THIS DC INTO NORMAL MODE: the restore is registered and not "
                                      "completed; fix the cause and re-run (it resumes in DSRM)")
            else:
                result["msg"] = "adrestore %s: %s" % (argv[1], result["status"])
        except st.CliError as e:
            result.update(failed=True, msg=str(e))
        return result


def _json_or_text(out):
    try:
        return json.loads(out)
    except ValueError:
        return out


def _err(err):
    lines = [line for line in (err or "").strip().splitlines() if line.strip()]
    return (": " + " / ".join(lines[-3:])) if lines else ""
