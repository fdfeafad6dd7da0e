// Building plan::Hook values and contexts for the hook tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "exec/hook_runner.h"
#include "plan/model.h"

namespace adrestore::testing {

inline plan::Hook make_hook(const std::string& name, plan::HookPhase phase, const std::vector<std::string>& run,
                            std::int64_t timeout_seconds = 30) {
  plan::Hook h;
  h.phase = phase;
  h.path = std::string("spec.hooks.") + plan::to_string(phase) + "[0]";
  h.name.value = name;
  for (std::size_t i = 0; i < run.size(); ++i) {
    plan::Field<std::string> f;
    f.value = run[i];
    f.path = h.path + ".run[" + std::to_string(i) + "]";
    h.run.push_back(f);
  }
  h.timeout_seconds = timeout_seconds;
  h.on_error = phase == plan::HookPhase::pre ? plan::OnError::fail : plan::OnError::keep_going;
  return h;
}

inline exec::HookContext make_context(const std::string& state_dir) {
  exec::HookContext ctx;
  ctx.plan_name = "dc01-corp";
  ctx.plan_dc = "DC01.corp.example.com";
  ctx.run_id = "20261124T180500Z-7f3a";
  ctx.state_dir = state_dir;
  ctx.backup_source = "D:\\Backups\\DC01\\2026-11-20";
  return ctx;
}

}  // namespace adrestore::testing
