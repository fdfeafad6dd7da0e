#include "sim/faults.h"

#include <cstdlib>

#include "base/text.h"

namespace adrestore::sim {

std::uint64_t ByteCount::resolve(std::uint64_t total) const {
  if (!percent) return bytes;
  const double p = *percent < 0 ? 0 : (*percent > 100 ? 100 : *percent);
  return static_cast<std::uint64_t>(static_cast<long double>(total) * p / 100.0L);
}

nlohmann::json ByteCount::to_json() const {
  if (percent) {
    std::string s = std::to_string(*percent);
    // Shortest form: 50.000000 -> 50, 12.500000 -> 12.5.
    while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
      const bool dot = s.back() == '.';
      s.pop_back();
      if (dot) break;
    }
    return s + "%";
  }
  return bytes;
}

Result<ByteCount> ByteCount::from_json(const nlohmann::json& j) {
  ByteCount c;
  if (j.is_number_unsigned() || j.is_number_integer()) {
    if (j.is_number_integer() && j.get<std::int64_t>() < 0) return Status::error(Code::invalid_input, "a byte count cannot be negative");
    c.bytes = j.get<std::uint64_t>();
    return c;
  }
  if (!j.is_string()) return Status::error(Code::invalid_input, "expected a byte count such as 4096, 10Mi or 50%");
  const std::string s = j.get<std::string>();
  if (ends_with(s, "%")) {
    char* end = nullptr;
    const std::string num = s.substr(0, s.size() - 1);
    const double p = std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size() || !(p >= 0 && p <= 100)) {
      return Status::error(Code::invalid_input, "'" + escape_for_terminal(s) + "' is not a percentage from 0% to 100%");
    }
    c.percent = p;
    return c;
  }
  auto n = parse_size(s);
  if (!n) return Status::error(Code::invalid_input, "'" + escape_for_terminal(s) + "' is not a byte count (use 4096, 10Mi or 50%)");
  c.bytes = *n;
  return c;
}

namespace {

Status at(const std::string& path, const Status& s) { return s.with_context(path); }

nlohmann::json hresult_json(const CallFault& f) {
  if (!f.hresult_text.empty()) return f.hresult_text;
  return ntds::hresult_hex(f.hresult);
}

}  // namespace

const char* to_string(EseProblem p) {
  switch (p) {
    case EseProblem::foreign_log: return "foreignLog";
    case EseProblem::dirty_without_logs: return "dirtyWithoutLogs";
    case EseProblem::log_gap: return "logGap";
    case EseProblem::header_checksum: return "headerChecksum";
  }
  return "foreignLog";
}

nlohmann::json fault_to_json(const Fault& f) {
  nlohmann::json j = nlohmann::json::object();
  if (const auto* c = std::get_if<CallFault>(&f.kind)) {
    j["call"] = ntds::call_name(c->call);
    j["hresult"] = hresult_json(*c);
    if (c->times) j["times"] = *c->times;
    if (c->after) j["after"] = c->after;
    j["seen"] = c->seen;
    j["fired"] = c->fired;
  } else if (const auto* k = std::get_if<CrashFault>(&f.kind)) {
    if (k->at_record) {
      j["crash"] = {{"atRecord", *k->at_record}};
    } else {
      j["crash"] = {{"atStep", k->at_step}, {"afterBytes", k->after_bytes.to_json()}};
    }
    j["taken"] = k->taken;
  } else if (const auto* d = std::get_if<DiskFullFault>(&f.kind)) {
    j["diskFull"] = {{"path", d->path.str()}, {"afterBytes", d->after_bytes.to_json()}};
    if (d->hidden) j["diskFull"]["hidden"] = true;
    j["written"] = d->written;
    j["tripped"] = d->tripped;
  } else if (const auto* x = std::get_if<CorruptFault>(&f.kind)) {
    j["corrupt"] = {{"backupFile", x->backup_file}, {"atByte", x->at_byte}};
    j["applied"] = x->applied;
  } else if (const auto* jf = std::get_if<JournalFullFault>(&f.kind)) {
    j["journalFull"] = {{"atRecord", jf->at_record}};
    j["taken"] = jf->taken;
  } else if (const auto* l = std::get_if<LockedFault>(&f.kind)) {
    j["locked"] = {{"path", l->path.str()}};
  } else if (const auto* b = std::get_if<BootFault>(&f.kind)) {
    j["boot"] = {{"skip", to_string(b->skip)}};
    j["applied"] = b->applied;
  } else if (const auto* e = std::get_if<EseFault>(&f.kind)) {
    j["ese"] = {{"problem", to_string(e->problem)}};
    if (!e->backup_file.empty()) j["ese"]["backupFile"] = e->backup_file;
    j["applied"] = e->applied;
  }
  return j;
}

namespace {

Result<Fault> fault_from_json_unchecked(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) return Status::error(Code::invalid_input, path + ": a fault is a map");
  const int kinds = static_cast<int>(j.contains("call")) + static_cast<int>(j.contains("crash")) +
                    static_cast<int>(j.contains("diskFull")) + static_cast<int>(j.contains("corrupt")) +
                    static_cast<int>(j.contains("journalFull")) + static_cast<int>(j.contains("locked")) +
                    static_cast<int>(j.contains("boot")) + static_cast<int>(j.contains("ese"));
  if (kinds != 1) {
    return Status::error(Code::invalid_input,
                         path + ": a fault has exactly one of 'call' (with 'hresult'), 'crash', 'diskFull', 'corrupt', 'journalFull', 'locked', 'boot' or 'ese'" +
                             (kinds == 0 ? std::string() : " (found " + std::to_string(kinds) + ")"));
  }
  auto only = [&](std::initializer_list<const char*> allowed) -> Status {
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || it.key() == a;
      if (!ok) return Status::error(Code::invalid_input, path + "." + it.key() + ": does not belong to this kind of fault");
    }
    return Status::ok();
  };
  Fault f;
  if (j.contains("call")) {
    if (Status s = only({"call", "hresult", "times", "after", "seen", "fired"}); !s) return s;
    CallFault c;
    const std::string name = j["call"].is_string() ? j["call"].get<std::string>() : std::string();
    auto call = ntds::call_from_name(name);
    if (!call || *call == ntds::Call::backup_free) {
      return Status::error(Code::invalid_input, path + ".call: '" + escape_for_terminal(name) + "' is not an API call a fault can fail");
    }
    c.call = *call;
    if (!j.contains("hresult")) return Status::error(Code::invalid_input, path + ": a call fault needs 'hresult' (such as hrCouldNotConnect)");
    const nlohmann::json& h = j["hresult"];
    if (h.is_number_integer() || h.is_number_unsigned()) {
      const std::int64_t v = h.get<std::int64_t>();
      if (v < INT32_MIN || v > static_cast<std::int64_t>(UINT32_MAX)) {
        return Status::error(Code::invalid_input, path + ".hresult: " + std::to_string(v) + " does not fit in 32 bits");
      }
      c.hresult = ntds::HResult(static_cast<std::uint32_t>(v & 0xFFFFFFFF));
      c.hresult_text = ntds::hresult_hex(c.hresult);
    } else if (h.is_string()) {
      auto hr = ntds::parse_hresult(h.get<std::string>());
      if (!hr) return at(path + ".hresult", hr.status());
      c.hresult = *hr;
      c.hresult_text = h.get<std::string>();
    } else {
      return Status::error(Code::invalid_input, path + ".hresult: expected a name or a number");
    }
    if (c.hresult.ok()) {
      return Status::error(Code::invalid_input, path + ".hresult: a fault must fail the call; S_OK (0) is success");
    }
    if (j.contains("times")) c.times = j["times"].get<std::uint64_t>();
    c.after = j.value("after", std::uint64_t{0});
    c.seen = j.value("seen", std::uint64_t{0});
    c.fired = j.value("fired", std::uint64_t{0});
    f.kind = c;
  } else if (j.contains("crash")) {
    if (Status s = only({"crash", "taken"}); !s) return s;
    const nlohmann::json& k = j["crash"];
    CrashFault c;
    c.at_step = k.value("atStep", std::string());
    if (k.contains("atRecord")) {
      if (!c.at_step.empty() || !k["atRecord"].is_number_unsigned() || k["atRecord"].get<std::uint64_t>() == 0) {
        return Status::error(Code::invalid_input,
                             path + ".crash: give either atStep (a step id) or atRecord (a journal record number from 1)");
      }
      c.at_record = k["atRecord"].get<std::uint64_t>();
    } else if (c.at_step.empty()) {
      return Status::error(Code::invalid_input, path + ".crash.atStep: name the step id, such as files.copy");
    }
    if (k.contains("afterBytes")) {
      auto n = ByteCount::from_json(k["afterBytes"]);
      if (!n) return at(path + ".crash.afterBytes", n.status());
      c.after_bytes = *n;
    }
    c.taken = j.value("taken", false);
    f.kind = c;
  } else if (j.contains("diskFull")) {
    if (Status s = only({"diskFull", "written", "tripped"}); !s) return s;
    const nlohmann::json& d = j["diskFull"];
    DiskFullFault c;
    auto p = WinPath::parse(d.value("path", std::string()));
    if (!p) return at(path + ".diskFull.path", p.status());
    c.path = *p;
    auto n = ByteCount::from_json(d.contains("afterBytes") ? d["afterBytes"] : nlohmann::json());
    if (!n) return at(path + ".diskFull.afterBytes", n.status());
    if (n->percent) return Status::error(Code::invalid_input, path + ".diskFull.afterBytes: a disk has no total to take a percentage of; use a size such as 10Mi");
    c.after_bytes = *n;
    c.hidden = d.value("hidden", false);
    c.written = j.value("written", std::uint64_t{0});
    c.tripped = j.value("tripped", false);
    f.kind = c;
  } else if (j.contains("locked")) {
    if (Status s = only({"locked"}); !s) return s;
    auto p = WinPath::parse(j["locked"].value("path", std::string()));
    if (!p) return at(path + ".locked.path", p.status());
    f.kind = LockedFault{*p};
  } else if (j.contains("journalFull")) {
    if (Status s = only({"journalFull", "taken"}); !s) return s;
    const nlohmann::json& k = j["journalFull"];
    if (!k.is_object() || !k.contains("atRecord") || !k["atRecord"].is_number_unsigned()) {
      return Status::error(Code::invalid_input,
                           path + ".journalFull.atRecord: a journal record number from 1, or 0 for the journal's header");
    }
    JournalFullFault c;
    c.at_record = k["atRecord"].get<std::uint64_t>();
    c.taken = j.value("taken", false);
    f.kind = c;
  } else if (j.contains("boot")) {
    if (Status s = only({"boot", "applied"}); !s) return s;
    const std::string skip = j["boot"].value("skip", std::string());
    BootFault b;
    bool known = false;
    for (BootSkip k : {BootSkip::restore_map, BootSkip::invocation_id, BootSkip::restore_count, BootSkip::event_1109}) {
      if (skip == to_string(k)) b.skip = k, known = true;
    }
    if (!known) {
      return Status::error(Code::invalid_input,
                           path + ".boot.skip: '" + escape_for_terminal(skip) +
                               "' is not one of restoreMap, invocationId, restoreCount, event1109");
    }
    b.applied = j.value("applied", false);
    f.kind = b;
  } else if (j.contains("ese")) {
    if (Status s = only({"ese", "applied"}); !s) return s;
    const nlohmann::json& x = j["ese"];
    if (!x.is_object()) return Status::error(Code::invalid_input, path + ".ese: a map with 'problem' and, optionally, 'backupFile'");
    EseFault e;
    const auto problem = x.find("problem");
    const std::string* name = problem == x.end() ? nullptr : problem->get_ptr<const std::string*>();
    bool known = false;
    for (EseProblem p : {EseProblem::foreign_log, EseProblem::dirty_without_logs, EseProblem::log_gap, EseProblem::header_checksum}) {
      if (name && *name == to_string(p)) e.problem = p, known = true;
    }
    if (!known) {
      return Status::error(Code::invalid_input, path + ".ese.problem: '" + escape_for_terminal(name ? *name : "") +
                                                    "' is not one of foreignLog, dirtyWithoutLogs, logGap, headerChecksum");
    }
    const auto file = x.find("backupFile");
    if (file != x.end()) {
      const std::string* given = file->get_ptr<const std::string*>();
      if (!given || given->empty() || given->find("..") != std::string::npos || starts_with(*given, "/") ||
          starts_with(*given, "\\")) {
        return Status::error(Code::invalid_input, path + ".ese.backupFile: must be a path inside the backup set");
      }
      e.backup_file = *given;
    }
    const auto applied = j.find("applied");
    e.applied = applied != j.end() && applied->is_boolean() && applied->get<bool>();
    f.kind = e;
  } else {
    if (Status s = only({"corrupt", "applied"}); !s) return s;
    const nlohmann::json& x = j["corrupt"];
    CorruptFault c;
    c.backup_file = x.value("backupFile", std::string());
    if (c.backup_file.empty()) return Status::error(Code::invalid_input, path + ".corrupt.backupFile: name a file of the backup set, such as ntds.dit");
    if (c.backup_file.find("..") != std::string::npos || starts_with(c.backup_file, "/") || starts_with(c.backup_file, "\\")) {
      return Status::error(Code::invalid_input, path + ".corrupt.backupFile: must be a path inside the backup set");
    }
    c.at_byte = x.value("atByte", std::uint64_t{0});
    c.applied = j.value("applied", false);
    f.kind = c;
  }
  return f;
}

}  // namespace

Result<Fault> fault_from_json(const nlohmann::json& j, const std::string& path) {
  try {
    return fault_from_json_unchecked(j, path);
  } catch (const nlohmann::json::exception&) {
    // A field of the wrong type that no schema caught (callers may skip the world schema).
    return Status::error(Code::invalid_input, path + ": a field has the wrong type (see doc/simulator.md, Faults)");
  }
}

std::optional<ntds::HResult> next_call_fault(std::vector<Fault>& faults, ntds::Call call) {
  std::optional<ntds::HResult> hit;
  for (Fault& f : faults) {
    auto* c = std::get_if<CallFault>(&f.kind);
    if (!c || c->call != call) continue;
    ++c->seen;
    if (hit) continue;  // the first matching fault wins; later ones still count the call
    if (c->seen <= c->after) continue;
    if (c->times && c->fired >= *c->times) continue;
    ++c->fired;
    hit = c->hresult;
  }
  return hit;
}

const char* to_string(BootSkip s) {
  switch (s) {
    case BootSkip::restore_map:
      return "restoreMap";
    case BootSkip::invocation_id:
      return "invocationId";
    case BootSkip::restore_count:
      return "restoreCount";
    case BootSkip::event_1109:
      return "event1109";
  }
  return "restoreMap";
}

std::vector<BootSkip> take_boot_faults(std::vector<Fault>& faults) {
  std::vector<BootSkip> out;
  for (Fault& f : faults) {
    auto* b = std::get_if<BootFault>(&f.kind);
    if (!b || b->applied) continue;
    b->applied = true;
    out.push_back(b->skip);
  }
  return out;
}

std::string describe_fault(const Fault& f) {
  if (const auto* c = std::get_if<CallFault>(&f.kind)) {
    std::string s = std::string("call ") + ntds::call_name(c->call) + " -> " + ntds::describe_hresult(c->hresult);
    if (c->times) s += ", " + std::to_string(*c->times) + " time(s)";
    if (c->after) s += ", after " + std::to_string(c->after) + " call(s)";
    return s;
  }
  if (const auto* k = std::get_if<CrashFault>(&f.kind)) {
    if (k->at_record) return "crash after journal record " + std::to_string(*k->at_record);
    return "crash at step " + k->at_step + " after " + k->after_bytes.to_json().dump() + " bytes";
  }
  if (const auto* d = std::get_if<DiskFullFault>(&f.kind)) {
    return "disk full under " + d->path.str() + " after " + format_bytes(d->after_bytes.bytes) +
           (d->hidden ? " (hidden from the free-space check)" : "");
  }
  if (const auto* l = std::get_if<LockedFault>(&f.kind)) return "file held open by another process: " + l->path.str();
  if (const auto* jf = std::get_if<JournalFullFault>(&f.kind)) {
    return "journal full from record " + std::to_string(jf->at_record);
  }
  if (const auto* b = std::get_if<BootFault>(&f.kind)) {
    return std::string("the next post-restore boot skips ") + to_string(b->skip);
  }
  if (const auto* e = std::get_if<EseFault>(&f.kind)) {
    return std::string("ESE fault ") + to_string(e->problem) + " in the backup set" +
           (e->backup_file.empty() ? "" : " (" + e->backup_file + ")");
  }
  const auto& x = std::get<CorruptFault>(f.kind);
  return "corrupt byte " + std::to_string(x.at_byte) + " of backup file " + x.backup_file;
}

}  // namespace adrestore::sim
