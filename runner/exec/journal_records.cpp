#include "exec/journal_records.h"

#include <algorithm>
#include <cstdio>
#include <array>
#include <nlohmann/json.hpp>
#include <set>

#include "base/text.h"
#include "base/time.h"
#include "base/winpath.h"
#include "ntds/hresult.h"

namespace adrestore::exec {

using nlohmann::json;

namespace {

constexpr std::size_t k_max_name = 1024;      // ids, names, paths
constexpr std::size_t k_max_text = 64 * 1024;  // messages, notes
constexpr std::size_t k_max_destinations = 100000;

template <class E, std::size_t N>
std::optional<E> enum_from(const std::array<E, N>& all, const std::string& s) {
  for (E e : all) {
    if (s == to_string(e)) return e;
  }
  return std::nullopt;
}

constexpr std::array<StepOutcome, 5> k_step_outcomes{StepOutcome::succeeded, StepOutcome::failed, StepOutcome::skipped,
                                                     StepOutcome::refused, StepOutcome::interrupted};
constexpr std::array<RunOutcome, 4> k_run_outcomes{RunOutcome::succeeded, RunOutcome::failed, RunOutcome::refused,
                                                   RunOutcome::interrupted};
constexpr std::array<ClearAction, 2> k_clear_actions{ClearAction::remove, ClearAction::quarantine};
constexpr std::array<NoteLevel, 2> k_note_levels{NoteLevel::info, NoteLevel::warning};

// Reads the fields of one payload object, remembering the first problem; finish() also
// refuses fields nobody asked for.
class FieldReader {
 public:
  explicit FieldReader(const json& obj) : m_obj(obj) {}

  const json* get(const char* key, bool required = true) {
    m_known.insert(key);
    auto it = m_obj.find(key);
    if (it == m_obj.end()) {
      if (required) fail(std::string("missing field \"") + key + "\"");
      return nullptr;
    }
    return &*it;
  }

  std::string str(const char* key, std::size_t max_len = k_max_name, bool allow_empty = false) {
    const json* v = get(key);
    if (!v) return {};
    if (!v->is_string()) return fail_type(key, "a string"), std::string();
    const std::string& s = v->get_ref<const std::string&>();
    if (s.size() > max_len) fail(std::string("field \"") + key + "\" is longer than " + std::to_string(max_len) + " bytes");
    if (s.empty() && !allow_empty) fail(std::string("field \"") + key + "\" is empty");
    return s;
  }

  std::string win_path(const char* key) {
    std::string s = str(key);
    if (!s.empty() && !WinPath::parse(s)) fail(std::string("field \"") + key + "\" is not an absolute Windows path: " + s);
    return s;
  }

  std::string sha256(const char* key) {
    std::string s = str(key);
    const bool hex = s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!s.empty() && !hex) fail(std::string("field \"") + key + "\" is not 64 lower-case hex digits");
    return s;
  }

  // A parsed document holds non-negative numbers as unsigned; one built in memory may hold
  // them as signed. Both are accepted; floats and negatives are not.
  static std::optional<std::uint64_t> as_u64(const json& v) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
    return std::nullopt;
  }

  std::uint64_t u64(const char* key) {
    const json* v = get(key);
    if (!v) return 0;
    auto n = as_u64(*v);
    if (!n) return fail_type(key, "a non-negative integer"), 0;
    return *n;
  }

  std::int64_t non_negative_i64(const char* key) {
    const json* v = get(key);
    if (!v) return 0;
    auto n = as_u64(*v);
    if (!n || *n > static_cast<std::uint64_t>(INT64_MAX)) return fail_type(key, "a non-negative integer"), 0;
    return static_cast<std::int64_t>(*n);
  }

  std::optional<std::uint32_t> opt_u32(const char* key) {
    const json* v = get(key, false);
    if (!v) return std::nullopt;
    auto n = as_u64(*v);
    if (!n || *n > UINT32_MAX) return fail_type(key, "an unsigned 32-bit integer"), std::nullopt;
    return static_cast<std::uint32_t>(*n);
  }

  std::optional<std::int32_t> opt_i32(const char* key) {
    const json* v = get(key, false);
    if (!v) return std::nullopt;
    if (!v->is_number_integer() || v->get<std::int64_t>() < INT32_MIN || v->get<std::int64_t>() > INT32_MAX) {
      return fail_type(key, "a 32-bit integer"), std::nullopt;
    }
    return static_cast<std::int32_t>(v->get<std::int64_t>());
  }

  bool boolean(const char* key) {
    const json* v = get(key);
    if (!v) return false;
    if (!v->is_boolean()) return fail_type(key, "true or false"), false;
    return v->get<bool>();
  }

  template <class E, std::size_t N>
  E one_of(const char* key, const std::array<E, N>& all) {
    const std::string s = str(key);
    if (s.empty()) return all[0];
    auto e = enum_from(all, s);
    if (!e) {
      std::vector<std::string> names;
      for (E x : all) names.emplace_back(to_string(x));
      fail(std::string("field \"") + key + "\" is \"" + s + "\", not " + join_alternatives(names));
      return all[0];
    }
    return *e;
  }

  void fail(std::string msg) {
    if (m_error.empty()) m_error = std::move(msg);
  }
  void fail_type(const char* key, const char* what) { fail(std::string("field \"") + key + "\" is not " + what); }

  // The first problem, or empty. Unknown fields count as problems.
  std::string finish() {
    if (m_error.empty()) {
      for (auto it = m_obj.begin(); it != m_obj.end(); ++it) {
        if (!m_known.count(it.key())) {
          fail("unknown field \"" + escape_for_terminal(it.key()) + "\"");
          break;
        }
      }
    }
    return m_error;
  }

 private:
  const json& m_obj;
  std::set<std::string> m_known;
  std::string m_error;
};

template <class T>
void opt_put(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

struct ToJson {
  json& j;
  void operator()(const RunStarted& r) const {
    j["plan_name"] = r.plan_name;
    j["plan_file"] = r.plan_file;
    j["plan_sha256"] = r.plan_sha256;
    j["tool_version"] = r.tool_version;
    j["run_id"] = r.run_id;
    j["api"] = r.api;
    j["world"] = r.world;
    j["host"] = r.host;
    if (!r.operator_account.empty()) j["operator"] = r.operator_account;
  }
  void operator()(const RunResumed& r) const {
    j["tool_version"] = r.tool_version;
    j["host"] = r.host;
  }
  void operator()(const StepStarted& r) const {
    j["step"] = r.step;
    j["attempt"] = r.attempt;
  }
  void operator()(const StepFinished& r) const {
    j["step"] = r.step;
    j["outcome"] = to_string(r.outcome);
    opt_put(j, "hresult", r.hresult);
    j["duration_ms"] = r.duration_ms;
    j["message"] = r.message;
  }
  void operator()(const FileProgress& r) const {
    j["file"] = r.file;
    j["offset"] = r.offset;
    j["chunk"] = r.chunk;
  }
  void operator()(const FileRestarted& r) const {
    j["file"] = r.file;
    j["reason"] = r.reason;
  }
  void operator()(const FileDone& r) const {
    j["file"] = r.file;
    j["size"] = r.size;
    j["sha256"] = r.sha256;
  }
  void operator()(const FileCleared& r) const {
    j["file"] = r.file;
    j["action"] = to_string(r.action);
    j["to"] = r.to;
  }
  void operator()(const DestinationsResolved& r) const {
    json list = json::array();
    for (const ResolvedDestination& d : r.destinations) {
      list.push_back({{"kind", d.kind}, {"name", d.name}, {"destination", d.destination}});
    }
    j["destinations"] = std::move(list);
  }
  void operator()(const HookRecord& r) const {
    j["name"] = r.name;
    opt_put(j, "exit_code", r.exit_code);
    opt_put(j, "signal", r.signal);
    j["duration_ms"] = r.duration_ms;
    j["timed_out"] = r.timed_out;
    j["log"] = r.log;
  }
  void operator()(const ContextOpened&) const {}
  void operator()(const ContextClosed& r) const { opt_put(j, "hresult", r.hresult); }
  void operator()(const RunFinished& r) const { j["outcome"] = to_string(r.outcome); }
  void operator()(const Note& r) const {
    j["level"] = to_string(r.level);
    j["text"] = r.text;
  }
  void operator()(const ForeignBackupAllowed& r) const {
    j["backup_dc"] = r.backup_dc;
    j["plan_dc"] = r.plan_dc;
    j["host"] = r.host;
  }
  void operator()(const DirectoryIdentityRecord& r) const {
    j["database"] = r.database;
    if (r.invocation_id) j["invocation_id"] = *r.invocation_id;
    if (r.restore_count) j["restore_count"] = *r.restore_count;
  }
};

RecordBody read_body(RecordType t, FieldReader& f) {
  switch (t) {
    case RecordType::run_started: {
      RunStarted r;
      r.plan_name = f.str("plan_name");
      r.plan_file = f.str("plan_file", k_max_name, true);
      r.plan_sha256 = f.sha256("plan_sha256");
      r.tool_version = f.str("tool_version");
      r.run_id = f.str("run_id");
      r.api = f.str("api");
      if (!r.api.empty() && r.api != "sim" && r.api != "win32") f.fail("field \"api\" is \"" + r.api + "\", not sim or win32");
      r.world = f.str("world", k_max_name, true);
      r.host = f.str("host");
      if (f.get("operator", false)) r.operator_account = f.str("operator");
      return r;
    }
    case RecordType::run_resumed:
      return RunResumed{f.str("tool_version"), f.str("host")};
    case RecordType::step_started: {
      StepStarted r;
      r.step = f.str("step");
      const std::uint64_t a = f.u64("attempt");
      if (a == 0 || a > UINT32_MAX) f.fail("field \"attempt\" must be at least 1");
      r.attempt = static_cast<std::uint32_t>(std::min<std::uint64_t>(a, UINT32_MAX));
      return r;
    }
    case RecordType::step_finished: {
      StepFinished r;
      r.step = f.str("step");
      r.outcome = f.one_of("outcome", k_step_outcomes);
      r.hresult = f.opt_u32("hresult");
      r.duration_ms = f.non_negative_i64("duration_ms");
      r.message = f.str("message", k_max_text, true);
      return r;
    }
    case RecordType::file_progress: {
      FileProgress r;
      r.file = f.win_path("file");
      r.offset = f.u64("offset");
      r.chunk = f.u64("chunk");
      if (r.offset == 0) f.fail("field \"offset\" is 0; progress records a verified chunk");
      return r;
    }
    case RecordType::file_restarted:
      return FileRestarted{f.win_path("file"), f.str("reason", k_max_text)};
    case RecordType::file_done: {
      FileDone r;
      r.file = f.win_path("file");
      r.size = f.u64("size");
      r.sha256 = f.sha256("sha256");
      return r;
    }
    case RecordType::file_cleared: {
      FileCleared r;
      r.file = f.win_path("file");
      r.action = f.one_of("action", k_clear_actions);
      const json* to = f.get("to");
      if (to && to->is_string() && !to->get_ref<const std::string&>().empty()) {
        r.to = f.win_path("to");
      } else if (to && !to->is_string()) {
        f.fail_type("to", "a string");
      }
      if (r.action == ClearAction::quarantine && r.to.empty()) f.fail("a quarantined file needs field \"to\"");
      if (r.action == ClearAction::remove && !r.to.empty()) f.fail("a deleted file has no \"to\"");
      return r;
    }
    case RecordType::destinations_resolved: {
      DestinationsResolved r;
      const json* list = f.get("destinations");
      if (list && !list->is_array()) f.fail_type("destinations", "a list");
      if (list && list->is_array()) {
        if (list->size() > k_max_destinations) f.fail("too many destinations");
        for (std::size_t i = 0; i < list->size() && i < k_max_destinations; ++i) {
          const json& item = (*list)[i];
          if (!item.is_object()) {
            f.fail("destinations[" + std::to_string(i) + "] is not an object");
            break;
          }
          FieldReader g(item);
          ResolvedDestination d;
          d.kind = g.str("kind");
          if (!d.kind.empty() && d.kind != "database" && d.kind != "log" && d.kind != "patch" && d.kind != "checkpoint") {
            g.fail("field \"kind\" is \"" + d.kind + "\", not database, log, patch or checkpoint");
          }
          d.name = g.str("name");
          d.destination = g.win_path("destination");
          if (std::string e = g.finish(); !e.empty()) f.fail("destinations[" + std::to_string(i) + "]: " + e);
          r.destinations.push_back(std::move(d));
        }
      }
      return r;
    }
    case RecordType::hook_result: {
      HookRecord r;
      r.name = f.str("name");
      r.exit_code = f.opt_i32("exit_code");
      r.signal = f.opt_i32("signal");
      r.duration_ms = f.non_negative_i64("duration_ms");
      r.timed_out = f.boolean("timed_out");
      r.log = f.str("log", k_max_name, true);
      return r;
    }
    case RecordType::context_opened:
      return ContextOpened{};
    case RecordType::context_closed:
      return ContextClosed{f.opt_u32("hresult")};
    case RecordType::run_finished:
      return RunFinished{f.one_of("outcome", k_run_outcomes)};
    case RecordType::note: {
      Note r;
      r.level = f.one_of("level", k_note_levels);
      r.text = f.str("text", k_max_text);
      return r;
    }
    case RecordType::foreign_backup_allowed:
      return ForeignBackupAllowed{f.str("backup_dc"), f.str("plan_dc"), f.str("host")};
    case RecordType::directory_identity: {
      DirectoryIdentityRecord r;
      r.database = f.str("database", k_max_name, true);
      if (!r.database.empty() && !WinPath::parse(r.database)) {
        f.fail("field \"database\" is not an absolute Windows path: " + r.database);
      }
      if (f.get("invocation_id", false)) r.invocation_id = f.str("invocation_id", 128);
      if (const json* v = f.get("restore_count", false)) {
        auto n = FieldReader::as_u64(*v);
        if (!n) f.fail("field \"restore_count\" is not a non-negative integer");
        r.restore_count = n.value_or(0);
      }
      return r;
    }
  }
  return Note{};
}

std::string ms_text(std::int64_t ms) {
  const std::int64_t tenths = (ms + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "s";
}

std::string quoted(const std::string& s) { return "\"" + escape_for_terminal(s) + "\""; }

}  // namespace

const char* to_string(RecordType t) {
  switch (t) {
    case RecordType::run_started: return "run-started";
    case RecordType::run_resumed: return "run-resumed";
    case RecordType::step_started: return "step-started";
    case RecordType::step_finished: return "step-finished";
    case RecordType::file_progress: return "file-progress";
    case RecordType::file_done: return "file-done";
    case RecordType::file_cleared: return "file-cleared";
    case RecordType::destinations_resolved: return "destinations-resolved";
    case RecordType::hook_result: return "hook-result";
    case RecordType::context_opened: return "context-opened";
    case RecordType::context_closed: return "context-closed";
    case RecordType::run_finished: return "run-finished";
    case RecordType::note: return "note";
    case RecordType::file_restarted: return "file-restarted";
    case RecordType::foreign_backup_allowed:
      return "foreign-backup-allowed";
    case RecordType::directory_identity:
      return "directory-identity";
  }
  return "?";
}

std::optional<RecordType> record_type_from_number(std::uint32_t n) {
  if (n >= 1 && n <= 16) return static_cast<RecordType>(n);
  return std::nullopt;
}

const char* to_string(StepOutcome v) {
  switch (v) {
    case StepOutcome::succeeded: return "succeeded";
    case StepOutcome::failed: return "failed";
    case StepOutcome::skipped: return "skipped";
    case StepOutcome::refused: return "refused";
    case StepOutcome::interrupted: return "interrupted";
  }
  return "?";
}

const char* to_string(RunOutcome v) {
  switch (v) {
    case RunOutcome::succeeded: return "succeeded";
    case RunOutcome::failed: return "failed";
    case RunOutcome::refused: return "refused";
    case RunOutcome::interrupted: return "interrupted";
  }
  return "?";
}

const char* to_string(ClearAction v) { return v == ClearAction::remove ? "delete" : "quarantine"; }
const char* to_string(NoteLevel v) { return v == NoteLevel::info ? "info" : "warning"; }

RecordType Record::type() const {
  // The variant's alternatives are listed in the order of this table.
  static constexpr std::array<RecordType, std::variant_size_v<RecordBody>> k_types{
      RecordType::run_started,   RecordType::run_resumed,    RecordType::step_started,
      RecordType::step_finished, RecordType::file_progress,  RecordType::file_restarted,
      RecordType::file_done,     RecordType::file_cleared,   RecordType::destinations_resolved,
      RecordType::hook_result,   RecordType::context_opened, RecordType::context_closed,
      RecordType::run_finished,  RecordType::note,           RecordType::foreign_backup_allowed,
      RecordType::directory_identity};
  return k_types[body.index()];
}

json record_payload(const Record& r) {
  json j = json::object();
  j["type"] = to_string(r.type());
  j["time_ms"] = r.time_ms;
  std::visit(ToJson{j}, r.body);
  return j;
}

Result<Record> record_from_payload(const json& payload, RecordType framed_type) {
  if (!payload.is_object()) return Status::error(Code::corrupt, "the payload is not a JSON object");
  FieldReader f(payload);
  const std::string type = f.str("type", 64);
  if (!type.empty() && type != to_string(framed_type)) {
    return Status::error(Code::corrupt, "the payload says type \"" + escape_for_terminal(type) + "\" but the frame says " +
                                            to_string(framed_type));
  }
  Record r;
  r.time_ms = f.non_negative_i64("time_ms");
  r.body = read_body(framed_type, f);
  if (std::string e = f.finish(); !e.empty()) {
    return Status::error(Code::corrupt, std::string(to_string(framed_type)) + ": " + e);
  }
  return r;
}

std::string format_utc_ms(std::int64_t unix_ms) {
  const std::int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  const std::int64_t secs = (unix_ms - ms) / 1000;
  const std::int64_t sod = ((secs % 86400) + 86400) % 86400;
  const CivilDate date = civil_from_days((secs - sod) / 86400);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(date.year),
                date.month, date.day, static_cast<long long>(sod / 3600),
                static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60), static_cast<long long>(ms));
  return buf;
}

std::string describe(const Record& r) {
  std::string out = to_string(r.type());
  auto add = [&out](const std::string& k, const std::string& v) { out += " " + k + "=" + v; };
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, RunStarted>) {
          add("plan", quoted(b.plan_name));
          add("plan_sha256", b.plan_sha256.substr(0, 16) + "...");
          add("version", quoted(b.tool_version));
          add("run", quoted(b.run_id));
          add("api", b.api);
          if (!b.world.empty()) add("world", quoted(b.world));
          add("host", quoted(b.host));
          add("operator", quoted(b.operator_account.empty() ? "unknown" : b.operator_account));
        } else if constexpr (std::is_same_v<T, RunResumed>) {
          add("version", quoted(b.tool_version));
          add("host", quoted(b.host));
        } else if constexpr (std::is_same_v<T, StepStarted>) {
          add("step", b.step);
          add("attempt", std::to_string(b.attempt));
        } else if constexpr (std::is_same_v<T, StepFinished>) {
          add("step", b.step);
          add("outcome", to_string(b.outcome));
          if (b.hresult) add("hresult", ntds::hresult_hex(ntds::HResult(*b.hresult)));
          add("duration", ms_text(b.duration_ms));
          if (!b.message.empty()) add("message", quoted(b.message));
        } else if constexpr (std::is_same_v<T, FileProgress>) {
          add("file", quoted(b.file));
          add("offset", std::to_string(b.offset));
          add("chunk", std::to_string(b.chunk));
        } else if constexpr (std::is_same_v<T, FileRestarted>) {
          add("file", quoted(b.file));
          add("reason", quoted(b.reason));
        } else if constexpr (std::is_same_v<T, FileDone>) {
          add("file", quoted(b.file));
          add("size", std::to_string(b.size));
          add("sha256", b.sha256.substr(0, 16) + "...");
        } else if constexpr (std::is_same_v<T, FileCleared>) {
          add("file", quoted(b.file));
          add("action", to_string(b.action));
          if (!b.to.empty()) add("to", quoted(b.to));
        } else if constexpr (std::is_same_v<T, DestinationsResolved>) {
          for (const ResolvedDestination& d : b.destinations) {
            add(d.kind, quoted(d.name) + "->" + quoted(d.destination));
          }
        } else if constexpr (std::is_same_v<T, HookRecord>) {
          add("hook", b.name);
          if (b.exit_code) add("exit", std::to_string(*b.exit_code));
          if (b.signal) add("signal", std::to_string(*b.signal));
          if (b.timed_out) add("timed_out", "true");
          add("duration", ms_text(b.duration_ms));
          if (!b.log.empty()) add("log", quoted(b.log));
        } else if constexpr (std::is_same_v<T, ContextClosed>) {
          if (b.hresult) add("hresult", ntds::hresult_hex(ntds::HResult(*b.hresult)));
        } else if constexpr (std::is_same_v<T, RunFinished>) {
          add("outcome", to_string(b.outcome));
        } else if constexpr (std::is_same_v<T, Note>) {
          add("level", to_string(b.level));
          add("text", quoted(b.text));
        } else if constexpr (std::is_same_v<T, ForeignBackupAllowed>) {
          add("backup_dc", quoted(b.backup_dc));
          add("plan_dc", quoted(b.plan_dc));
          add("host", quoted(b.host));
        } else if constexpr (std::is_same_v<T, DirectoryIdentityRecord>) {
          add("database", b.database.empty() ? std::string("unknown") : quoted(b.database));
          add("invocation_id", b.invocation_id ? quoted(*b.invocation_id) : std::string("unknown"));
          add("restore_count", b.restore_count ? std::to_string(*b.restore_count) : std::string("unknown"));
        }
      },
      r.body);
  return out;
}

}  // namespace adrestore::exec
