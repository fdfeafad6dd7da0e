#!/usr/bin/python
# -*- coding: utf-8 -*-
# The documentation of adrestore.dc.restore. The work is done by the action plugin of the same
# name (plugins/action/restore.py), which calls adrestore on the target; nothing runs here.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: restore
short_description: Run, resume or report an adrestore RestorePlan on a domain controller
version_added: 1.0.0
description:
  - Reads C(adrestore status --format json) of the run's state folder first, then starts the
    plan (C(adrestore run)) when no run exists, resumes it (C(adrestore resume)) when it stopped,
    failed, was refused or restarted the DC, and does nothing when it completed.
  - Waits while another adrestore process holds the run's lock (a controller killed mid-run
    leaves adrestore running on the target).
  - Every decision about the restore itself is adrestore's; this action only chooses the command
    and reports the CLI's JSON. An exit code adrestore does not document fails the task.
  - Runs on the controller and calls adrestore through M(ansible.builtin.command) on Linux
    targets (the simulator) and M(ansible.windows.win_command) on Windows targets.
options:
  plan:
    description: Path of the plan file on the target.
    type: str
    required: true
  state_dir:
    description: The run's state folder on the target (C(--state)).
    type: str
    required: true
  mode:
    description:
      - C(apply) runs, resumes or does nothing; C(status) only reports; C(validate) runs
        C(adrestore validate --format json).
    type: str
    default: apply
    choices: [apply, status, validate]
  executable:
    description: Path of adrestore on the target (C(C:\adrestore\adrestore.exe) on Windows).
    type: str
    default: adrestore
  api:
    description: C(--api) for run, resume and validate; C(sim) with O(world) for a simulated DC.
    type: str
    choices: [sim, win32]
  world:
    description: The simulated DC's world folder (C(--world)).
    type: str
  events:
    description: Append the run's events (JSON lines) to this file on the target (C(--events)).
    type: str
  plan_changed_ok:
    description: Resume even though the plan file changed since the run started.
    type: bool
    default: false
  lock_timeout:
    description: Seconds to wait for another adrestore process to release the run's lock.
    type: int
    default: 600
attributes:
  check_mode:
    support: full
    details: Reports what it would do and previews the plan (C(adrestore plan --format json)); runs nothing.
  platform:
    platforms: [posix, windows]
author:
  - adrestore contributors
"""

EXAMPLES = r"""
- name: Run or resume the DC's restore plan
  adrestore.dc.restore:
    plan: C:\adrestore\dc01.yaml
    state_dir: C:\ProgramData\adrestore\dc01
    executable: C:\adrestore\adrestore.exe
  register: restore

- name: Rehearse against a simulated DC
  adrestore.dc.restore:
    plan: /srv/plans/dc01.yaml
    state_dir: /srv/state/dc01
    api: sim
    world: /srv/worlds/dc01
"""

RETURN = r"""
decision:
  description: What the status said to do, C(run), C(resume), C(done), C(wait) or C(stop).
  returned: always
  type: str
rc:
  description: The exit code of the run, resume, validate or plan command (README "Exit codes").
  returned: when a command ran
  type: int
outcome:
  description: The journal's outcome after the task (C(succeeded), C(failed), C(refused), C(interrupted) or null).
  returned: always
  type: str
status:
  description: adrestore status's one-line summary.
  returned: always
  type: str
must_not_restart:
  description: The DC must not be restarted into normal mode (a registered, uncompleted restore).
  returned: always
  type: bool
restarted:
  description:
    - The plan's system.restart ran, so the DC left DSRM. While C(outcome) is null a resume after the
      boot confirms that AD DS came online; the role never boots such a DC back into DSRM.
  returned: always
  type: bool
failed_step:
  description: The step the run failed at.
  returned: always
  type: str
steps:
  description: Each journaled step with C(step), C(status), C(attempts) and C(message).
  returned: always
  type: list
  elements: dict
resume:
  description: What a resume would do, step by step.
  returned: always
  type: list
  elements: dict
journal_head:
  description: The journal's chain head (C(seq), C(sha256)), for C(adrestore journal verify --head).
  returned: always
  type: dict
preview:
  description: The compiled plan (C(adrestore plan --format json)).
  returned: in check mode
  type: dict
"""

if __name__ == "__main__":
    import json
    import sys

    print(json.dumps({"failed": True, "msg": "adrestore.dc.restore runs as an action plugin on the controller; "
                      "call it through a playbook task"}))
    sys.exit(1)
