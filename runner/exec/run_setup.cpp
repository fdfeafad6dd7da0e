#include "exec/run_setup.h"

#include "platform/secure_wipe.h"
#include "base/time.h"

#include <cstdlib>
#include <ctime>
#include <random>

#include "platform/fs.h"
#include "platform/interrupt.h"
#include "platform/sha256.h"

namespace adrestore::exec {

std::string make_run_id(std::int64_t now_unix) {
  const std::string stamp = format_compact_utc(now_unix);
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%06x", rd() & 0xFFFFFFu);
  return stamp + "-" + suffix;
}

std::string default_state_dir(const std::string& plan_name) {
#ifdef _WIN32
  const char* pd = std::getenv("ProgramData");
  return std::string(pd && *pd ? pd : "C:\\ProgramData") + "\\adrestore\\" + plan_name;
#else
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::string(x) + "/adrestore/" + plan_name;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/adrestore/" + plan_name;
#endif
}

std::string plan_content_hash(const std::string& plan_text) { return platform::to_hex(platform::sha256(plan_text)); }

namespace {

std::optional<std::string> process_env_var(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

}  // namespace

Result<std::string> read_password(const plan::Credentials& c, bool interactive_allowed, const ExecEnv& env) {
  switch (c.source) {
    case plan::PasswordSource::env: {
      auto v = env.env_var ? env.env_var(c.source_arg) : process_env_var(c.source_arg);
      if (!v) {
        return Status::error(Code::refused, "spec.credentials.passwordFrom names the environment variable " +
                                                c.source_arg + ", which is not set");
      }
      Result<std::string> out(std::move(*v));
      platform::secure_wipe(*v);
      return out;
    }
    case plan::PasswordSource::file: {
      auto text = platform::read_file(env.fs, c.source_arg, 1024);
      if (!text) {
        return Status::error(Code::refused, "spec.credentials.passwordFrom: cannot read the password file " +
                                                c.source_arg + ": " + text.status().message());
      }
      Result<std::string> line(text->substr(0, text->find_first_of("\r\n")));
      platform::secure_wipe(*text);  // the file's other bytes, the password among them
      return line;
    }
    case plan::PasswordSource::prompt: {
      std::string pw;
      const bool asked = interactive_allowed && (env.read_secret ? env.read_secret("DSRM password: ", pw)
                                                                 : platform::read_secret_line("DSRM password: ", pw));
      if (!asked) {
        return Status::error(Code::refused,
                             "spec.credentials.passwordFrom is 'prompt' but there is no terminal to ask on; use "
                             "env:NAME or file:PATH for unattended runs");
      }
      Result<std::string> out(std::string(pw.data(), pw.size()));
      platform::secure_wipe(pw);  // read_secret_line's buffer may be larger than the copy
      return out;
    }
  }
  return Status::error(Code::internal, "unknown password source");
}

}  // namespace adrestore::exec
