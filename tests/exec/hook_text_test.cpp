// The hook rules that need no process: substitutions, environment, redaction, terminal safety,
// and the decisions the executor takes from a hook's result.
#include <doctest/doctest.h>

#include "exec/hook_runner.h"
#include "exec/hook_test_util.h"
#include "exec/hook_text.h"

namespace adrestore::exec {
namespace {

using testing::make_context;
using testing::make_hook;

bool has_entry(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

}  // namespace

TEST_SUITE("hooks") {

TEST_CASE("the six substitutions are replaced and nothing else is templated") {
  HookContext ctx = make_context("/var/lib/adrestore/dc01-corp");
  ctx.outcome = RestoreOutcome::failed;
  auto v = substitute("${plan.name}|${plan.dc}|${run.id}|${run.stateDir}|${backup.source}|${run.outcome}", ctx,
                      plan::HookPhase::post);
  REQUIRE(v);
  CHECK(*v == "dc01-corp|DC01.corp.example.com|20261124T180500Z-7f3a|/var/lib/adrestore/dc01-corp|"
              "D:\\Backups\\DC01\\2026-11-20|failed");
  auto plain = substitute("$HOME %PATH% $(id) `id` {plan.name} $plan.name", ctx, plan::HookPhase::pre);
  REQUIRE(plain);
  CHECK(*plain == "$HOME %PATH% $(id) `id` {plan.name} $plan.name");
}

TEST_CASE("unknown or unclosed substitutions, and the outcome in a pre hook, are refused at run time too") {
  const HookContext ctx = make_context("/state");
  CHECK(substitute("${HOME}", ctx, plan::HookPhase::pre).status().message() == "unknown substitution ${HOME}");
  CHECK_FALSE(substitute("${plan.name", ctx, plan::HookPhase::pre));
  CHECK_FALSE(substitute("${run.outcome}", ctx, plan::HookPhase::pre));
  CHECK_FALSE(substitute("${run.outcome}", ctx, plan::HookPhase::post));  // outcome not yet known
}

TEST_CASE("the hook environment adds the hook's env and the ADRESTORE_ variables, which nothing overrides") {
  plan::Hook hook = make_hook("notify-ops", plan::HookPhase::post, {"notify"});
  hook.env = {{"TARGET", "ops-${plan.name}"}, {"PATH", "/opt/hook/bin"}};
  HookContext ctx = make_context("/state");
  ctx.outcome = RestoreOutcome::succeeded;
  auto env = hook_environment(hook, ctx, {"PATH=/usr/bin", "KEEP=1", "ADRESTORE_PHASE=forged"}, {});
  REQUIRE(env);
  CHECK(has_entry(*env, "KEEP=1"));
  CHECK(has_entry(*env, "TARGET=ops-dc01-corp"));
  CHECK(has_entry(*env, "PATH=/opt/hook/bin"));
  CHECK(has_entry(*env, "ADRESTORE_PLAN_NAME=dc01-corp"));
  CHECK(has_entry(*env, "ADRESTORE_RUN_ID=20261124T180500Z-7f3a"));
  CHECK(has_entry(*env, "ADRESTORE_STATE_DIR=/state"));
  CHECK(has_entry(*env, "ADRESTORE_HOOK_NAME=notify-ops"));
  CHECK(has_entry(*env, "ADRESTORE_PHASE=post"));
  CHECK(has_entry(*env, "ADRESTORE_OUTCOME=succeeded"));
  CHECK_FALSE(has_entry(*env, "ADRESTORE_PHASE=forged"));
}

TEST_CASE("runner environment entries that are not NAME=VALUE are dropped, not fatal") {
  const plan::Hook hook = make_hook("pause-antivirus", plan::HookPhase::pre, {"avctl"});
  auto env = hook_environment(hook, make_context("/state"), {"NOEQUALS", "=", "GOOD=1", "EMPTY="}, {});
  REQUIRE(env);
  CHECK(has_entry(*env, "GOOD=1"));
  CHECK(has_entry(*env, "EMPTY="));
  CHECK_FALSE(has_entry(*env, "NOEQUALS"));
  CHECK_FALSE(has_entry(*env, "="));
}

TEST_CASE("a pre hook gets no outcome, even one left in the runner's environment") {
  const plan::Hook hook = make_hook("pause-antivirus", plan::HookPhase::pre, {"avctl"});
  auto env = hook_environment(hook, make_context("/state"), {"ADRESTORE_OUTCOME=succeeded"}, {});
  REQUIRE(env);
  CHECK(std::none_of(env->begin(), env->end(),
                     [](const std::string& e) { return e.rfind("ADRESTORE_OUTCOME=", 0) == 0; }));
  CHECK(has_entry(*env, "ADRESTORE_PHASE=pre"));
}

TEST_CASE("the credentials variable and any variable holding a secret never reach a hook") {
  const plan::Hook hook = make_hook("pause-antivirus", plan::HookPhase::pre, {"avctl"});
  HookContext ctx = make_context("/state");
  ctx.secret_env_names = {"ADRESTORE_DSRM_PASSWORD"};
  const std::vector<std::string> base = {"ADRESTORE_DSRM_PASSWORD=Sup3r-Secret!", "COPY=x-Sup3r-Secret!-y",
                                         "PATH=/usr/bin"};
  auto env = hook_environment(hook, ctx, base, {"Sup3r-Secret!"});
  REQUIRE(env);
  for (const std::string& e : *env) {
    CHECK(e.find("Sup3r-Secret!") == std::string::npos);
    CHECK(e.rfind("ADRESTORE_DSRM_PASSWORD=", 0) != 0);
  }
  CHECK(has_entry(*env, "PATH=/usr/bin"));
}

TEST_CASE("secrets are redacted wherever a stream happens to be cut") {
  const std::vector<std::string> secrets = {"Sup3r-Secret!", "tok"};
  const std::string text = "a Sup3r-Secret! b Sup3r-Sup3r-Secret!! tok tokSup3r-Secret!";
  const std::string want = "a [redacted] b Sup3r-[redacted]! [redacted] [redacted][redacted]";
  CHECK(redact(text, secrets) == want);
  for (std::size_t cut1 = 0; cut1 <= text.size(); ++cut1) {
    for (std::size_t cut2 = cut1; cut2 <= text.size(); cut2 += 3) {
      StreamRedactor r(secrets);
      std::string out = r.feed(text.substr(0, cut1));
      out += r.feed(text.substr(cut1, cut2 - cut1));
      out += r.feed(text.substr(cut2));
      out += r.flush();
      REQUIRE_MESSAGE(out == want, "cut at " << cut1 << " and " << cut2);
    }
  }
  CHECK(redact("nothing to hide", {""}) == "nothing to hide");
}

TEST_CASE("hook output is made safe for a terminal") {
  CHECK(terminal_safe("\x1b[31mred\x1b[0m") == "\\x1B[31mred\\x1B[0m");
  CHECK(terminal_safe("bell\a and\rreturn") == "bell\\x07 and\\rreturn");
  CHECK(terminal_safe("bad \xff byte, C1 \xc2\x9b, fine \xc3\xa9") == "bad \\xFF byte, C1 \\u009B, fine \xc3\xa9");
  CHECK(terminal_safe("lone \x9b csi") == "lone \\x9B csi");
}

TEST_CASE("a hook's result and onError decide whether the restore continues") {
  HookResult r;
  r.outcome = HookOutcome::succeeded;
  CHECK(hook_verdict(r, plan::OnError::fail) == HookVerdict::proceed);
  CHECK(hook_verdict(r, plan::OnError::keep_going) == HookVerdict::proceed);
  for (HookOutcome bad : {HookOutcome::failed, HookOutcome::timed_out, HookOutcome::spawn_failed}) {
    r.outcome = bad;
    CHECK(hook_verdict(r, plan::OnError::fail) == HookVerdict::stop);
    CHECK(hook_verdict(r, plan::OnError::keep_going) == HookVerdict::proceed_despite_failure);
    CHECK_FALSE(continues(hook_verdict(r, plan::OnError::fail)));
    CHECK(continues(hook_verdict(r, plan::OnError::keep_going)));
  }
  r.outcome = HookOutcome::cancelled;  // Ctrl-C stops the run whatever onError says
  CHECK(hook_verdict(r, plan::OnError::keep_going) == HookVerdict::interrupted);
  CHECK_FALSE(continues(HookVerdict::interrupted));
}

TEST_CASE("post hooks run when their `when` matches the outcome") {
  CHECK(should_run_post_hook(plan::When::success, RestoreOutcome::succeeded));
  CHECK_FALSE(should_run_post_hook(plan::When::success, RestoreOutcome::failed));
  CHECK(should_run_post_hook(plan::When::failure, RestoreOutcome::failed));
  CHECK_FALSE(should_run_post_hook(plan::When::failure, RestoreOutcome::succeeded));
  CHECK(should_run_post_hook(plan::When::always, RestoreOutcome::succeeded));
  CHECK(should_run_post_hook(plan::When::always, RestoreOutcome::failed));
}

}  // TEST_SUITE
}  // namespace adrestore::exec
