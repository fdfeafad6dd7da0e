// Text work for hooks: substitutions, the hook's environment, secret redaction and terminal-safe
// display. Pure functions (no processes, no files), so each rule is tested on its own.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "exec/hook_runner.h"
#include "platform/process.h"

namespace adrestore::exec {

constexpr std::string_view k_redacted = "[redacted]";

// Replaces the known ${...} substitutions in one argv element or env value. Anything else
// between ${ and } is an error (validation refuses it too; this is the run-time guard), as is
// ${run.outcome} before the outcome is known.
Result<std::string> substitute(std::string_view value, const HookContext& ctx, plan::HookPhase phase);

// The hook's complete environment (see hook_runner.h for the rules), NAME=VALUE.
Result<std::vector<std::string>> hook_environment(const plan::Hook& hook, const HookContext& ctx,
                                                  const std::vector<std::string>& base_env,
                                                  const std::vector<std::string>& secrets);

// Replaces every occurrence of every (non-empty) secret with [redacted].
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

// Redacts a stream that arrives in chunks: a secret split across two chunks is still caught,
// because a chunk's tail that could begin a secret is held back until the next chunk (or flush).
class StreamRedactor {
 public:
  explicit StreamRedactor(const std::vector<std::string>& secrets);
  ~StreamRedactor();  // wipes its copies of the secrets and of held-back text
  StreamRedactor(const StreamRedactor&) = delete;
  StreamRedactor& operator=(const StreamRedactor&) = delete;
  std::string feed(std::string_view chunk);
  std::string flush();

 private:
  std::vector<std::string> m_secrets;
  std::size_t m_longest = 0;
  std::string m_carry;
};

// An OutputSink that redacts each stream before passing it on. finish() flushes what it holds
// back but does not finish the inner sink (the hook runner still appends its footer).
class RedactingSink : public platform::OutputSink {
 public:
  RedactingSink(platform::OutputSink& inner, const std::vector<std::string>& secrets);
  Status write(platform::OutputStream stream, std::string_view bytes) override;
  Status finish() override;

 private:
  platform::OutputSink& m_inner;
  StreamRedactor m_redactors[3];
};

// One line made safe for a terminal: invalid UTF-8 bytes as \xNN, then escape_for_terminal.
std::string terminal_safe(std::string_view line);

}  // namespace adrestore::exec
