#include "cli/verify_output.h"

#include <iomanip>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "base/text.h"
#include "cli/report.h"

namespace adrestore::cli {
namespace {

using backup::ProblemKind;
using backup::VerifyProblem;

// The checks of the set as a whole, always listed (a pass is worth showing in a CI report).
const std::vector<std::string> k_fixed_checks = {"manifest", "age", "expiry-token"};

std::string seconds_text(double s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(2) << s;
  return o.str();
}

// Problems by manifest path; set-level ones (no file) under their check's name.
struct Grouped {
  std::map<std::string, std::vector<const VerifyProblem*>> by_file;
  std::map<std::string, std::vector<const VerifyProblem*>> by_check;
};

Grouped group(const backup::VerifyResult& r) {
  Grouped g;
  for (const VerifyProblem& p : r.problems) {
    if (p.file.empty()) {
      g.by_check[set_check_of(p.kind)].push_back(&p);
    } else {
      g.by_file[p.file].push_back(&p);
    }
  }
  return g;
}

nlohmann::json problem_json(const VerifyProblem& p) {
  nlohmann::json j = {{"kind", backup::to_string(p.kind)}, {"message", p.message}};
  if (!p.file.empty()) j["file"] = p.file;
  if (p.chunk) {
    j["chunk"] = *p.chunk;
    j["firstByte"] = p.first_byte;
    j["lastByte"] = p.last_byte;
  }
  return j;
}

const std::vector<const VerifyProblem*>& problems_of(const std::map<std::string, std::vector<const VerifyProblem*>>& m,
                                                     const std::string& key) {
  static const std::vector<const VerifyProblem*> k_none;
  auto it = m.find(key);
  return it == m.end() ? k_none : it->second;
}

// Set files the manifest lists, and any file a problem names that it does not (a usage
// problem, or a manifest whose own name is a set file).
std::vector<std::string> file_names(const VerifyReport& r, const Grouped& g) {
  std::vector<std::string> names;
  if (r.set.manifest) {
    for (const backup::ManifestFile& f : r.set.manifest->files) names.push_back(f.path);
  }
  for (const auto& [file, list] : g.by_file) {
    (void)list;
    bool listed = false;
    for (const std::string& n : names) listed = listed || n == file;
    if (!listed) names.push_back(file);
  }
  return names;
}

}  // namespace

std::string set_check_of(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::set_folder:
    case ProblemKind::manifest:
    case ProblemKind::usage:
      return "manifest";
    case ProblemKind::too_old:
    case ProblemKind::in_future:
      return "age";
    case ProblemKind::expiry_token:
      return "expiry-token";
    default:
      return backup::to_string(kind);
  }
}

std::vector<std::string> set_check_names(const backup::VerifyResult& r) {
  std::vector<std::string> names = k_fixed_checks;
  for (const VerifyProblem& p : r.problems) {
    if (!p.file.empty()) continue;
    const std::string c = set_check_of(p.kind);
    bool known = false;
    for (const std::string& n : names) known = known || n == c;
    if (!known) names.push_back(c);
  }
  return names;
}

void write_verify_text(std::ostream& out, const VerifyReport& r, bool color) {
  const char* red = color ? "\033[31m" : "";
  const char* green = color ? "\033[32m" : "";
  const char* reset = color ? "\033[0m" : "";
  const backup::VerifyResult& res = r.set.result;
  out << "backup set " << escape_for_terminal(r.source);
  if (r.set.manifest) {
    out << ": " << escape_for_terminal(r.set.manifest->dc) << ", taken " << r.set.manifest->created_at << ", "
        << r.set.manifest->files.size() << " files";
  }
  out << "\n";
  for (const VerifyProblem& p : res.problems) {
    out << "  " << red << "error" << reset << ": " << escape_for_terminal(p.message) << "\n";
  }
  for (const std::string& n : res.notes) out << "  note: " << n << "\n";
  if (r.ok()) {
    out << green << "verified" << reset << ": " << res.files_checked << " files, " << format_bytes(res.bytes_hashed)
        << " hashed in " << seconds_text(r.seconds) << " s; every hash matches, maxAge "
        << format_duration(r.max_age_seconds) << "\n";
  } else {
    out << red << "FAILED" << reset << ": " << res.problems.size() << " problem(s); this set must not be restored as it is\n";
  }
}

void write_verify_json(std::ostream& out, const VerifyReport& r) {
  const backup::VerifyResult& res = r.set.result;
  const Grouped g = group(res);
  nlohmann::json doc = {{"source", r.source},
                        {"ok", r.ok()},
                        {"cancelled", res.cancelled},
                        {"filesChecked", res.files_checked},
                        {"bytesHashed", res.bytes_hashed},
                        {"seconds", r.seconds},
                        {"maxAge", format_duration(r.max_age_seconds)}};
  if (r.set.manifest) {
    doc["dc"] = r.set.manifest->dc;
    doc["createdAt"] = r.set.manifest->created_at;
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const std::string& c : set_check_names(res)) {
    nlohmann::json list = nlohmann::json::array();
    for (const VerifyProblem* p : problems_of(g.by_check, c)) list.push_back(problem_json(*p));
    checks.push_back({{"name", c}, {"ok", list.empty()}, {"problems", list}});
  }
  doc["checks"] = checks;
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& name : file_names(r, g)) {
    nlohmann::json list = nlohmann::json::array();
    for (const VerifyProblem* p : problems_of(g.by_file, name)) list.push_back(problem_json(*p));
    nlohmann::json f = {{"path", name}, {"ok", list.empty()}, {"problems", list}};
    files.push_back(f);
  }
  doc["files"] = files;
  nlohmann::json all = nlohmann::json::array();
  for (const VerifyProblem& p : res.problems) all.push_back(problem_json(p));
  doc["problems"] = all;
  doc["notes"] = res.notes;
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// Through validate's JUnit writer: each test case is a FileReport whose errors are its problems.
void write_verify_junit(std::ostream& out, const VerifyReport& r) {
  const backup::VerifyResult& res = r.set.result;
  const Grouped g = group(res);
  std::vector<FileReport> cases;
  auto add_case = [&](const std::string& name, const std::vector<const VerifyProblem*>& problems) {
    FileReport c;
    c.file = name;
    c.kind = "BackupSetCheck";
    c.diags = input::Diagnostics(r.source);
    for (const VerifyProblem* p : problems) c.diags.error({}, {}, p->message);
    cases.push_back(std::move(c));
  };
  for (const std::string& c : set_check_names(res)) add_case("set: " + c, problems_of(g.by_check, c));
  for (const std::string& name : file_names(r, g)) add_case(name, problems_of(g.by_file, name));
  write_junit_report(out, cases, "adrestore verify " + r.source);
}

}  // namespace adrestore::cli
