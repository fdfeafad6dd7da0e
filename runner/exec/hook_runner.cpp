#include "exec/hook_runner.h"

#include "base/time.h"

#include <cstdio>
#include <ctime>

#include "base/duration.h"
#include "base/text.h"
#include "exec/hook_text.h"
#include "platform/fs.h"
#include "platform/process_output.h"
#include "platform/win_argv.h"

namespace adrestore::exec {
namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// Hook names are DNS labels (the schema says so); anything else must not become a file name.
bool safe_file_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// Text for the log: secrets out first (escaping could hide one from redaction), then escaped.
std::string shown(std::string_view text, const std::vector<std::string>& secrets) {
  return terminal_safe(redact(text, secrets));
}

std::string quoted_list(const std::vector<std::string>& items, const std::vector<std::string>& secrets) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += "\"" + shown(items[i], secrets) + "\"";
  }
  return out + "]";
}

// Appends redacted lines to the log; the first failure is kept and later writes are skipped.
class LogWriter {
 public:
  LogWriter(platform::FileOutputSink* file, const std::vector<std::string>& secrets)
      : m_file(file), m_secrets(secrets) {}
  void line(const std::string& text) {
    if (!m_file || !m_error.is_ok()) return;
    Status s = m_file->write(platform::OutputStream::runner, redact(text, m_secrets) + "\n");
    if (!s) m_error = s;
  }
  void note_error(const Status& s) {
    if (m_error.is_ok() && !s.is_ok()) m_error = s;
  }
  Status finish() {
    if (m_file && m_error.is_ok()) note_error(m_file->finish());
    return m_error;
  }

 private:
  platform::FileOutputSink* m_file;
  const std::vector<std::string>& m_secrets;
  Status m_error;
};

struct Prepared {
  platform::ProcessSpec spec;
  std::vector<std::string> argv_as_planned;  // after substitution, before resolution
};

Result<Prepared> prepare(const plan::Hook& hook, const HookContext& ctx, const HookRunOptions& opts) {
  Prepared p;
  if (hook.run.empty()) return Status::error(Code::invalid_input, "the hook has no program (run is empty)");
  for (const auto& arg : hook.run) {
    auto v = substitute(arg.value, ctx, hook.phase);
    if (!v) return v.status().with_context(arg.path.empty() ? "run" : arg.path);
    p.argv_as_planned.push_back(*v);
  }
  const std::string& program = p.argv_as_planned.front();
  if (platform::is_batch_program(program)) {
    return Status::error(Code::refused, "batch files (.bat, .cmd) are refused: Windows runs them through cmd.exe, "
                                        "and hooks never use a shell: " + program);
  }
  if (!opts.resolve_program) return Status::error(Code::internal, "no program resolver was given");
  auto resolved = opts.resolve_program(program);
  if (!resolved) return resolved.status();
  if (platform::is_batch_program(*resolved)) {
    return Status::error(Code::refused, "batch files (.bat, .cmd) are refused: " + program + " is " + *resolved);
  }
  p.spec.argv = p.argv_as_planned;
  p.spec.argv.front() = *resolved;

  if (hook.working_dir) {
    if (!opts.resolve_dir) return Status::error(Code::internal, "no directory resolver was given");
    auto dir = opts.resolve_dir(hook.working_dir->value);
    if (!dir) return dir.status().with_context("workingDir");
    p.spec.working_dir = *dir;
  } else {
    p.spec.working_dir = ctx.state_dir;
  }

  auto env = hook_environment(hook, ctx, opts.base_env, opts.secrets);
  if (!env) return env.status();
  p.spec.env = std::move(*env);
  p.spec.timeout = std::chrono::seconds(hook.timeout_seconds);
  p.spec.kill_grace = opts.kill_grace;
  p.spec.output_cap = opts.output_cap;
  p.spec.cancel = opts.cancel;
  return p;
}

HookOutcome outcome_of(const platform::ProcessResult& r) {
  if (!r.started()) return HookOutcome::spawn_failed;
  if (r.cancelled) return HookOutcome::cancelled;
  if (r.timed_out) return HookOutcome::timed_out;
  return r.succeeded() ? HookOutcome::succeeded : HookOutcome::failed;
}

}  // namespace

const char* to_string(RestoreOutcome v) { return v == RestoreOutcome::succeeded ? "succeeded" : "failed"; }

const char* to_string(HookOutcome v) {
  switch (v) {
    case HookOutcome::succeeded: return "succeeded";
    case HookOutcome::failed: return "failed";
    case HookOutcome::timed_out: return "timed-out";
    case HookOutcome::cancelled: return "cancelled";
    case HookOutcome::spawn_failed: return "spawn-failed";
  }
  return "?";
}

const char* to_string(HookVerdict v) {
  switch (v) {
    case HookVerdict::proceed: return "proceed";
    case HookVerdict::proceed_despite_failure: return "proceed-despite-failure";
    case HookVerdict::stop: return "stop";
    case HookVerdict::interrupted: return "interrupted";
  }
  return "?";
}

HookContext make_hook_context(const plan::Plan& plan, std::string run_id, std::string state_dir) {
  HookContext ctx;
  ctx.plan_name = plan.name.value;
  ctx.plan_dc = plan.domain_controller.value;
  ctx.run_id = std::move(run_id);
  ctx.state_dir = std::move(state_dir);
  ctx.backup_source = plan.backup_source.value.str();
  if (plan.credentials && plan.credentials->source == plan::PasswordSource::env) {
    ctx.secret_env_names.push_back(plan.credentials->source_arg);
  }
  return ctx;
}

std::string hook_log_path(const std::string& state_dir, const std::string& hook_name) {
  return platform::join_path(platform::join_path(platform::join_path(state_dir, "logs"), "hooks"), hook_name + ".log");
}

HookResult run_hook(const plan::Hook& hook, const HookContext& ctx, const HookRunOptions& opts) {
  HookResult result;
  result.name = hook.name.value;
  result.phase = hook.phase;
  if (!safe_file_name(result.name)) {
    result.error = Status::error(Code::invalid_input, "hook name '" + terminal_safe(result.name) +
                                                          "' is not a DNS label; it cannot name a log file");
    result.description = "could not start: " + result.error.message();
    return result;
  }
  result.log_path = hook_log_path(ctx.state_dir, result.name);

  // No log, no hook: a hook whose output cannot be kept would run unaccountably.
  std::unique_ptr<platform::FileOutputSink> file;
  platform::FileSystem& fs = opts.fs ? *opts.fs : platform::system_fs();
  Status opened = platform::create_dirs(fs, platform::parent_dir(result.log_path));
  if (opened) {
    auto f = platform::FileOutputSink::open_append(result.log_path, fs);
    if (f) {
      file = std::move(*f);
    } else {
      opened = f.status();
    }
  }
  if (!opened) {
    result.error = opened.with_context("cannot open the hook log");
    result.description = "could not start: " + result.error.message();
    return result;
  }

  LogWriter log(file.get(), opts.secrets);
  log.line("==== adrestore hook " + result.name + " (" + plan::to_string(hook.phase) + "), run " +
           shown(ctx.run_id, opts.secrets) + ", started " + format_rfc3339_utc(opts.now_unix ? opts.now_unix() : unix_now()) + " ====");
  Result<Prepared> prepared = prepare(hook, ctx, opts);
  if (!prepared) {
    result.error = Status::error(prepared.status().code(), redact(prepared.status().message(), opts.secrets));
    result.description = redact("could not start: " + result.error.message(), opts.secrets);
    log.line("could not start: " + shown(result.error.message(), opts.secrets));
    log.line("==== end: spawn-failed ====");
    result.log_error = log.finish();
    return result;
  }
  platform::ProcessSpec& spec = prepared->spec;
  log.line("argv: " + quoted_list(prepared->argv_as_planned, opts.secrets));
  log.line("program: " + shown(spec.argv.front(), opts.secrets));
  log.line("working directory: " + shown(spec.working_dir, opts.secrets));
  log.line("timeout: " + format_duration(hook.timeout_seconds) + "; output cap: " + format_bytes(opts.output_cap));
  log.line("---- output (stdout and stderr as they arrived) ----");

  RedactingSink sink(*file, opts.secrets);
  spec.output = &sink;
  platform::ProcessRunner& runner = opts.runner ? *opts.runner : platform::system_process_runner();
  const platform::ProcessResult pr = runner.run(spec);

  result.outcome = outcome_of(pr);
  result.exited = pr.exited;
  result.exit_code = pr.exit_code;
  result.signal = pr.signal;
  result.duration = pr.duration;
  result.timed_out = pr.timed_out;
  result.output_truncated = pr.output_truncated;
  result.strays = pr.strays;
  result.error = pr.spawn_error.is_ok()
                     ? pr.spawn_error
                     : Status::error(pr.spawn_error.code(), redact(pr.spawn_error.message(), opts.secrets));
  result.description = redact(platform::describe(pr), opts.secrets);
  log.note_error(pr.output_error);

  log.line("");
  log.line(std::string("---- end: ") + to_string(result.outcome) + ": " + result.description + ", after " +
           seconds_text(pr.duration) + (pr.strays ? "; some of its processes could not be confirmed gone" : "") +
           " ----");
  result.log_error = log.finish();
  return result;
}

HookVerdict hook_verdict(const HookResult& r, plan::OnError on_error) {
  if (r.outcome == HookOutcome::cancelled) return HookVerdict::interrupted;
  if (r.outcome == HookOutcome::succeeded) return HookVerdict::proceed;
  return on_error == plan::OnError::keep_going ? HookVerdict::proceed_despite_failure : HookVerdict::stop;
}

bool should_run_post_hook(plan::When when, RestoreOutcome outcome) {
  switch (when) {
    case plan::When::success: return outcome == RestoreOutcome::succeeded;
    case plan::When::failure: return outcome == RestoreOutcome::failed;
    case plan::When::always: return true;
  }
  return true;
}

Result<std::string> hook_log_tail(const std::string& log_path, std::size_t max_lines,
                                  const std::vector<std::string>& secrets) {
  constexpr std::uint64_t k_window = 64 * 1024;
  auto f = platform::File::open(log_path, platform::File::Mode::read);
  if (!f) return f.status();
  auto size = (*f)->size();
  if (!size) return size.status();
  const std::uint64_t from = *size > k_window ? *size - k_window : 0;
  std::string text(static_cast<std::size_t>(*size - from), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    auto n = (*f)->pread(&text[got], text.size() - got, from + got);
    if (!n) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  text.resize(got);
  if (from > 0) {
    const std::size_t nl = text.find('\n');  // the first line is cut: drop it
    text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::vector<std::string> lines = split(redact(text, secrets), '\n');
  if (lines.size() > max_lines) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(max_lines));
  for (std::string& l : lines) l = terminal_safe(l);
  return join(lines, "\n");
}

}  // namespace adrestore::exec
