// What a run needs before its first step: an id, a state directory, and the DSRM password
// (read into memory only; never stored, logged or passed to hooks).
#pragma once

#include <string>

#include "base/status.h"
#include "exec/executor.h"
#include "plan/model.h"

namespace adrestore::exec {

// "20261124T174500Z-3f9c1a": sortable by start time, unique per run.
std::string make_run_id(std::int64_t now_unix);

// Default state directory: %ProgramData%\adrestore\<plan> on Windows,
// $XDG_STATE_HOME/adrestore/<plan> (or ~/.local/state/adrestore/<plan>) elsewhere.
std::string default_state_dir(const std::string& plan_name);

// SHA-256 (hex) of the plan file's bytes, journaled so resume can tell a changed plan.
std::string plan_content_hash(const std::string& plan_text);

// Reads the password named by credentials.passwordFrom: env:NAME, file:PATH (first line,
// at most 1 KiB) or prompt (terminal, no echo), each through `env` (env_var, fs, read_secret).
// A missing source is an error that names it.
Result<std::string> read_password(const plan::Credentials& credentials, bool interactive_allowed, const ExecEnv& env);

}  // namespace adrestore::exec
