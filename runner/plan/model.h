// The typed restore plan (plan-format.md). Every value keeps the position it came from, so
// that later stages (semantic rules, the compiler, run-time checks) can point at the line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/winpath.h"
#include "input/node.h"
#include "platform/key_files.h"

namespace adrestore::plan {

template <class T>
struct Field {
  T value{};
  input::Mark mark;
  std::string path;  // field path for messages
};

// One entry of spec.backup.trust. `key` has the fingerprint and expiry from the plan; a
// keyFile's key (and its fingerprint and expiry) is added by load_plan_file (plan/trust.h).
struct TrustEntry {
  std::string path;  // spec.backup.trust[i]
  input::Mark mark;
  std::optional<Field<std::string>> key_file;  // relative to the plan's folder
  platform::TrustedKey key;
};

enum class LocationsFailure { original, fail };
enum class ExistingFiles { quarantine, remove };  // "delete" in YAML
enum class OnError { fail, keep_going };          // "continue" in YAML
enum class When { success, failure, always };
enum class Restart { none, normal_mode };
enum class HookPhase { pre, post };

const char* to_string(LocationsFailure v);
const char* to_string(ExistingFiles v);
const char* to_string(OnError v);
const char* to_string(When v);
const char* to_string(Restart v);
const char* to_string(HookPhase v);

struct Hook {
  HookPhase phase = HookPhase::pre;
  std::size_t index = 0;  // position in its list
  std::string path;       // spec.hooks.pre[0]
  input::Mark mark;
  Field<std::string> name;
  std::vector<Field<std::string>> run;
  std::int64_t timeout_seconds = 300;
  std::optional<Field<std::string>> timeout;  // the text as written, when given
  OnError on_error = OnError::fail;
  When when = When::always;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<input::Mark> env_key_marks;    // parallel to env
  std::vector<input::Mark> env_value_marks;  // parallel to env
  std::optional<Field<WinPath>> working_dir;
  bool idempotent = false;
};

enum class PasswordSource { env, prompt, file };

struct Credentials {
  Field<std::string> user;
  std::optional<Field<std::string>> domain;
  PasswordSource source = PasswordSource::prompt;
  std::string source_arg;  // variable name or file path
  Field<std::string> password_from;
};

struct Plan {
  std::string file;  // as the user named it
  Field<std::string> name;
  Field<std::string> domain_controller;
  std::string description;
  std::vector<std::pair<std::string, std::string>> labels;

  Field<WinPath> backup_source;
  std::string manifest_name = "adrestore-backup.json";
  std::int64_t max_age_seconds = 180LL * 86400;
  // spec.backup.trust: when present, only sets signed by one of these keys are accepted.
  std::optional<std::vector<TrustEntry>> backup_trust;
  std::optional<std::vector<platform::TrustedKey>> trusted_keys() const;

  std::vector<Field<std::string>> authoritative_subtrees;
  std::vector<Field<std::string>> authoritative_objects;
  std::optional<Field<WinPath>> dest_database;
  std::optional<Field<WinPath>> dest_logs;
  std::optional<Field<WinPath>> dest_checkpoint;
  LocationsFailure on_locations_failure = LocationsFailure::original;
  ExistingFiles existing_files = ExistingFiles::quarantine;
  std::optional<Field<WinPath>> quarantine;

  std::optional<Credentials> credentials;
  std::vector<Hook> pre_hooks;
  std::vector<Hook> post_hooks;
  Restart restart = Restart::none;

  bool authoritative() const { return !authoritative_subtrees.empty() || !authoritative_objects.empty(); }
  const Hook* find_hook(const std::string& hook_name) const;
};

}  // namespace adrestore::plan
