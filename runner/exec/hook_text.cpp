#include "exec/hook_text.h"

#include <algorithm>

#include "platform/secure_wipe.h"
#include "base/text.h"
#include "plan/validate.h"

namespace adrestore::exec {
namespace {

bool holds_secret(std::string_view text, const std::vector<std::string>& secrets) {
  return std::any_of(secrets.begin(), secrets.end(),
                     [&](const std::string& s) { return !s.empty() && text.find(s) != std::string_view::npos; });
}

}  // namespace

Result<std::string> substitute(std::string_view value, const HookContext& ctx, plan::HookPhase phase) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = value.find("${", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = value.find('}', open + 2);
    if (close == std::string_view::npos) {
      return Status::error(Code::invalid_input, "'${' is not closed in \"" + std::string(value) + "\"");
    }
    const std::string name(value.substr(open + 2, close - open - 2));
    if (!plan::is_known_substitution(name, phase)) {
      return Status::error(Code::invalid_input, "unknown substitution ${" + name + "}");
    }
    out.append(value.substr(pos, open - pos));
    if (name == "plan.name") {
      out += ctx.plan_name;
    } else if (name == "plan.dc") {
      out += ctx.plan_dc;
    } else if (name == "run.id") {
      out += ctx.run_id;
    } else if (name == "run.stateDir") {
      out += ctx.state_dir;
    } else if (name == "backup.source") {
      out += ctx.backup_source;
    } else if (name == "run.outcome") {
      if (!ctx.outcome) return Status::error(Code::internal, "${run.outcome} used before the outcome is known");
      out += to_string(*ctx.outcome);
    }
    pos = close + 1;
  }
  out.append(value.substr(pos));
  return out;
}

Result<std::vector<std::string>> hook_environment(const plan::Hook& hook, const HookContext& ctx,
                                                  const std::vector<std::string>& base_env,
                                                  const std::vector<std::string>& secrets) {
  const platform::EnvNameCase name_case = platform::native_env_name_case();
  // Entries that are not NAME=VALUE (a parent can pass anything to execve) are dropped rather
  // than failing every hook.
  std::vector<std::string> env;
  for (const std::string& e : base_env) {
    const std::string_view name = platform::env_entry_name(e);
    if (!name.empty() && name.size() < e.size() && e.find('\0') == std::string::npos) env.push_back(e);
  }
  for (const auto& [name, value] : hook.env) {
    auto v = substitute(value, ctx, hook.phase);
    if (!v) return v.status().with_context("env " + name);
    platform::set_env(env, name, *v, name_case);
  }
  // The contract variables come last so nothing can override them.
  platform::set_env(env, "ADRESTORE_PLAN_NAME", ctx.plan_name, name_case);
  platform::set_env(env, "ADRESTORE_RUN_ID", ctx.run_id, name_case);
  platform::set_env(env, "ADRESTORE_STATE_DIR", ctx.state_dir, name_case);
  platform::set_env(env, "ADRESTORE_HOOK_NAME", hook.name.value, name_case);
  platform::set_env(env, "ADRESTORE_PHASE", plan::to_string(hook.phase), name_case);
  platform::unset_env(env, "ADRESTORE_OUTCOME", name_case);
  if (hook.phase == plan::HookPhase::post && ctx.outcome) {
    platform::set_env(env, "ADRESTORE_OUTCOME", to_string(*ctx.outcome), name_case);
  }
  // Secrets never reach a hook: the credentials variable goes, and so does any variable
  // whose value holds a secret, whatever its name.
  for (const std::string& name : ctx.secret_env_names) platform::unset_env(env, name, name_case);
  env.erase(std::remove_if(env.begin(), env.end(),
                           [&](const std::string& e) {
                             const std::string_view n = platform::env_entry_name(e);
                             return holds_secret(std::string_view(e).substr(std::min(e.size(), n.size() + 1)), secrets);
                           }),
            env.end());
  return env;
}

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  StreamRedactor r(secrets);
  std::string out = r.feed(text);
  out += r.flush();
  return out;
}

StreamRedactor::StreamRedactor(const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    m_secrets.push_back(s);
    m_longest = std::max(m_longest, s.size());
  }
}

StreamRedactor::~StreamRedactor() {
  platform::secure_wipe(m_secrets);
  platform::secure_wipe(m_carry);
}

std::string StreamRedactor::feed(std::string_view chunk) {
  if (m_secrets.empty()) return std::string(chunk);
  std::string buf = std::move(m_carry);
  m_carry.clear();
  buf.append(chunk);
  std::string out;
  std::size_t i = 0;
  for (;;) {
    std::size_t best = std::string::npos;
    std::size_t best_len = 0;
    for (const std::string& s : m_secrets) {
      const std::size_t p = buf.find(s, i);
      if (p < best || (p == best && p != std::string::npos && s.size() > best_len)) {
        best = p;
        best_len = s.size();
      }
    }
    if (best == std::string::npos) break;
    out.append(buf, i, best - i);
    out += k_redacted;
    i = best + best_len;
  }
  // Hold back the longest tail that could be the start of a secret.
  std::size_t hold = 0;
  for (std::size_t k = std::min(m_longest - 1, buf.size() - i); k > 0 && hold == 0; --k) {
    const std::string_view tail = std::string_view(buf).substr(buf.size() - k);
    for (const std::string& s : m_secrets) {
      if (s.size() > k && starts_with(s, tail)) {
        hold = k;
        break;
      }
    }
  }
  out.append(buf, i, buf.size() - i - hold);
  m_carry = buf.substr(buf.size() - hold);
  return out;
}

std::string StreamRedactor::flush() {
  std::string out = std::move(m_carry);
  m_carry.clear();
  return out;
}

RedactingSink::RedactingSink(platform::OutputSink& inner, const std::vector<std::string>& secrets)
    : m_inner(inner), m_redactors{StreamRedactor(secrets), StreamRedactor(secrets), StreamRedactor(secrets)} {}

Status RedactingSink::write(platform::OutputStream stream, std::string_view bytes) {
  const std::string safe = m_redactors[static_cast<int>(stream)].feed(bytes);
  if (safe.empty()) return Status::ok();
  return m_inner.write(stream, safe);
}

Status RedactingSink::finish() {
  for (int s = 0; s < 3; ++s) {
    const std::string rest = m_redactors[s].flush();
    if (rest.empty()) continue;
    Status st = m_inner.write(static_cast<platform::OutputStream>(s), rest);
    if (!st) return st;
  }
  return Status::ok();
}

std::string terminal_safe(std::string_view line) {
  std::string out;
  while (!line.empty()) {
    const std::optional<std::size_t> bad = find_invalid_utf8(line);
    if (!bad) {
      out += escape_for_terminal(line);
      break;
    }
    out += escape_for_terminal(line.substr(0, *bad));
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(line[*bad]));
    out += buf;
    line.remove_prefix(*bad + 1);
  }
  return out;
}

}  // namespace adrestore::exec
