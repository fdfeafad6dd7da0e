# Unit tests of the restore action's decisions (python3 -m unittest, no pip):
#   PYTHONPATH=<repo>/ansible python3 -m unittest discover -s <collection>/tests/unit -t <collection>
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import unittest

from ansible_collections.adrestore.dc.plugins.module_utils import adrestore_status as st

PLAN = "/srv/plans/dc01.yaml"


def status(**kw):
    doc = {"run": "r1", "plan": "dc01", "planFile": PLAN, "state": "/srv/state", "status": "completed",
           "outcome": "succeeded", "failedStep": None, "lockHeld": False, "mustNotRestart": False,
           "warnings": [], "journalHead": {"seq": 3, "sha256": "ab"}, "steps": [], "resume": []}
    doc.update(kw)
    return doc


class ExitCodes(unittest.TestCase):
    def test_documented_codes_have_meanings(self):
        for rc in range(6):
            self.assertTrue(st.exit_meaning(rc))

    def test_unknown_codes_fail_loudly(self):
        for rc in (-9, 6, 77, 137, 255):
            with self.assertRaises(st.CliError) as e:
                st.exit_meaning(rc)
            self.assertIn("not one of its documented exit codes", str(e.exception))


class ParseStatus(unittest.TestCase):
    def test_no_journal_means_no_run(self):
        self.assertIsNone(st.parse_status(2, "", "adrestore: error: no journal at /srv/state/journal\n"))

    def test_other_usage_errors_fail(self):
        with self.assertRaises(st.CliError):
            st.parse_status(2, "", "adrestore: error: --state is required\n")

    def test_unreadable_journal_fails(self):
        with self.assertRaises(st.CliError) as e:
            st.parse_status(1, "", "adrestore: error: journal record 4: CRC mismatch\n")
        self.assertIn("CRC mismatch", str(e.exception))

    def test_not_json_fails(self):
        with self.assertRaises(st.CliError):
            st.parse_status(0, "Run r1 of plan dc01\n", "")

    def test_json_without_outcome_fails(self):
        with self.assertRaises(st.CliError):
            st.parse_status(0, json.dumps({"run": "r1"}), "")

    def test_json_document(self):
        self.assertEqual(st.parse_status(0, json.dumps(status()), "")["outcome"], "succeeded")


class Decide(unittest.TestCase):
    def test_no_journal_runs(self):
        self.assertEqual(st.decide(None, PLAN)[0], st.RUN)

    def test_completed_does_nothing(self):
        self.assertEqual(st.decide(status(), PLAN)[0], st.DONE)

    def test_failed_interrupted_refused_and_killed_resume(self):
        for outcome in ("failed", "interrupted", "refused", None):
            self.assertEqual(st.decide(status(outcome=outcome, status="x"), PLAN)[0], st.RESUME, outcome)

    def test_must_not_restart_still_resumes(self):
        d = st.decide(status(outcome="failed", mustNotRestart=True, failedStep="files.copy"), PLAN)
        self.assertEqual(d[0], st.RESUME)

    def test_restarted_by_plan_resumes_to_verify(self):
        s = status(outcome=None, steps=[{"step": "system.restart", "status": "succeeded"}])
        self.assertTrue(st.restarted_by_plan(s))
        decision, msg = st.decide(s, PLAN)
        self.assertEqual(decision, st.RESUME)
        self.assertIn("AD DS", msg)

    def test_failed_check_after_the_plans_restart_resumes_and_says_restarted(self):
        s = status(outcome="failed", failedStep="system.verify-online",
                   steps=[{"step": "system.restart", "status": "succeeded"},
                          {"step": "system.verify-online", "status": "failed"}])
        self.assertEqual(st.decide(s, PLAN)[0], st.RESUME)
        self.assertTrue(st.summary(s)["restarted"])

    def test_not_restarted_without_the_restart_step(self):
        self.assertFalse(st.restarted_by_plan(status(outcome=None, steps=[{"step": "files.copy", "status": "failed"}])))

    def test_lock_held_waits(self):
        self.assertEqual(st.decide(status(outcome=None, lockHeld=True), PLAN)[0], st.WAIT)

    def test_another_plans_run_stops(self):
        decision, msg = st.decide(status(planFile="/srv/plans/dc02.yaml"), PLAN)
        self.assertEqual(decision, st.STOP)
        self.assertIn("dc02.yaml", msg)

    def test_plan_path_compared_without_case_or_separator_style(self):
        s = status(planFile="C:\\ADRESTORE\\dc01.yaml")
        self.assertEqual(st.decide(s, "c:/adrestore/dc01.yaml")[0], st.DONE)

    def test_unknown_outcome_fails_loudly(self):
        with self.assertRaises(st.CliError):
            st.decide(status(outcome="exploded"), PLAN)


class Commands(unittest.TestCase):
    def test_run_argv(self):
        argv = st.command_argv("adrestore", st.RUN, PLAN, "/s", api="sim", world="/w", events="/e.jsonl")
        self.assertEqual(argv, ["adrestore", "run", "--state", "/s", "--yes", "--api", "sim", "--world", "/w",
                                "--events", "/e.jsonl", PLAN])

    def test_resume_argv_has_no_plan(self):
        argv = st.command_argv("adrestore", st.RESUME, PLAN, "/s", plan_changed_ok=True)
        self.assertEqual(argv, ["adrestore", "resume", "--state", "/s", "--yes", "--plan-changed-ok"])

    def test_no_command_for_done(self):
        with self.assertRaises(ValueError):
            st.command_argv("adrestore", st.DONE, PLAN, "/s")


class Summary(unittest.TestCase):
    def test_no_run(self):
        s = st.summary(None)
        self.assertIsNone(s["outcome"])
        self.assertFalse(s["must_not_restart"])

    def test_fields(self):
        s = st.summary(status(outcome="failed", failedStep="files.copy", mustNotRestart=True,
                              steps=[{"step": "files.copy", "status": "failed"}]))
        self.assertEqual((s["outcome"], s["failed_step"], s["must_not_restart"]), ("failed", "files.copy", True))
        self.assertEqual(s["steps"][0]["step"], "files.copy")
        self.assertEqual(s["journal_head"]["seq"], 3)


if __name__ == "__main__":
    unittest.main()
