#include "backup/verify.h"

#include <map>
#include <set>

#include "backup/encoding.h"
#include "backup/ese_check.h"
#include "backup/hash_engine.h"
#include "backup/signature.h"
#include "base/text.h"

namespace adrestore::backup {
namespace {

constexpr std::size_t k_max_extra_notes = 100;
constexpr std::size_t k_max_listed_entries = 100000;
constexpr int k_max_list_depth = 16;

VerifyProblem set_problem(ProblemKind kind, std::string message, std::string file = {}) {
  VerifyProblem p;
  p.kind = kind;
  p.file = std::move(file);
  p.message = std::move(message);
  return p;
}

std::string days_text(std::int64_t seconds) {
  const std::int64_t tenths = seconds * 10 / 86400;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " days";
}

// Is every folder between the set folder and the file a real folder (not a link)? Results
// are cached per folder key, since a set usually has many files in one folder.
class FolderCheck {
 public:
  FolderCheck(host::Disks& disks, const WinPath& source) : m_disks(disks), m_source(source) {}

  // The problem for the first bad folder on the way to `rel`, or nothing.
  std::optional<VerifyProblem> check(const std::string& rel) {
    const std::vector<std::string> segs = split(rel, '/');
    std::string prefix;
    for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
      prefix += (i ? "/" : "") + segs[i];
      const std::string key = set_path_key(prefix);
      auto it = m_cache.find(key);
      if (it == m_cache.end()) it = m_cache.emplace(key, judge(prefix)).first;
      if (!it->second.empty()) return set_problem(ProblemKind::not_regular, rel + ": " + it->second, rel);
    }
    return std::nullopt;
  }

 private:
  std::string judge(const std::string& prefix) {
    auto info = m_disks.stat(set_file_path(m_source, prefix));
    if (!info) return "cannot check the folder '" + prefix + "': " + info.status().message();
    switch (info->type) {
      case platform::FileType::directory:
        return {};
      case platform::FileType::missing:
        return "the folder '" + prefix + "' is missing from the backup set";
      case platform::FileType::symlink:
        return "the folder '" + prefix + "' is a link; links inside a backup set are refused";
      default:
        return "'" + prefix + "' is not a folder";
    }
  }

  host::Disks& m_disks;
  const WinPath& m_source;
  std::map<std::string, std::string> m_cache;  // folder key -> problem text, empty when fine
};

// Presence, type and size of one file; no reading.
std::optional<VerifyProblem> check_presence(host::Disks& disks, const WinPath& source, const ManifestFile& f,
                                            FolderCheck& folders) {
  if (auto p = folders.check(f.path)) return p;
  auto info = disks.stat(set_file_path(source, f.path));
  if (!info) return set_problem(ProblemKind::io, f.path + ": " + info.status().message(), f.path);
  switch (info->type) {
    case platform::FileType::regular:
      break;
    case platform::FileType::missing:
      return set_problem(ProblemKind::missing, f.path + ": the file is missing from the backup set", f.path);
    case platform::FileType::symlink:
      return set_problem(ProblemKind::not_regular, f.path + ": is a link; links inside a backup set are refused",
                         f.path);
    case platform::FileType::directory:
      return set_problem(ProblemKind::not_regular, f.path + ": is a folder, not a file", f.path);
    case platform::FileType::other:
      return set_problem(ProblemKind::not_regular, f.path + ": is not a regular file (a device or a pipe?)", f.path);
  }
  if (info->size != f.size) {
    return set_problem(ProblemKind::size,
                       f.path + ": the file has " + std::to_string(info->size) + " bytes; the manifest records " +
                           std::to_string(f.size),
                       f.path);
  }
  return std::nullopt;
}

// Entries of the set folder that the manifest does not list. A folder holding no listed
// file is reported once, without looking inside; links are reported, never followed.
void find_extra(host::Disks& disks, const WinPath& dir, const std::string& rel, int depth,
                const std::set<std::string>& files, const std::set<std::string>& folders, const std::string& manifest_key,
                std::vector<std::string>& extra, std::size_t& visited) {
  auto names = disks.list(dir);
  if (!names) return;  // the presence checks report unreadable folders that matter
  for (const std::string& name : *names) {
    if (++visited > k_max_listed_entries) return;
    const std::string path = rel.empty() ? name : rel + "/" + name;
    const std::string key = set_path_key(path);
    if (files.count(key) || key == manifest_key) continue;
    if (folders.count(key)) {
      auto info = disks.stat(dir.child(name));
      if (info && info->type == platform::FileType::directory && depth < k_max_list_depth) {
        find_extra(disks, dir.child(name), path, depth + 1, files, folders, manifest_key, extra, visited);
        continue;
      }
    }
    auto info = disks.stat(dir.child(name));
    const bool is_dir = info && info->type == platform::FileType::directory;
    extra.push_back(is_dir ? path + "/" : path);
  }
}

void add_extra_notes(host::Disks& disks, const WinPath& source, const Manifest& m, const std::string& manifest_name,
                     VerifyResult& out) {
  std::set<std::string> files;
  std::set<std::string> folders;
  for (const ManifestFile& f : m.files) {
    files.insert(set_path_key(f.path));
    const std::vector<std::string> segs = split(set_path_key(f.path), '/');
    std::string prefix;
    for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
      prefix += (i ? "/" : "") + segs[i];
      folders.insert(prefix);
    }
  }
  files.insert(set_path_key(signature_file_name(manifest_name)));  // the manifest's signature belongs to the set
  std::vector<std::string> extra;
  std::size_t visited = 0;
  find_extra(disks, source, {}, 0, files, folders, set_path_key(manifest_name), extra, visited);
  for (std::size_t i = 0; i < extra.size() && i < k_max_extra_notes; ++i) {
    out.notes.push_back("'" + escape_for_terminal(extra[i]) + "' in the backup set folder is not in the manifest; " +
                        "the restore ignores it");
  }
  if (extra.size() > k_max_extra_notes) {
    out.notes.push_back("... and " + std::to_string(extra.size() - k_max_extra_notes) +
                        " more entries that are not in the manifest");
  }
}

}  // namespace

const char* to_string(ProblemKind k) {
  switch (k) {
    case ProblemKind::set_folder: return "set-folder";
    case ProblemKind::manifest: return "manifest";
    case ProblemKind::expiry_token: return "expiry-token";
    case ProblemKind::too_old: return "too-old";
    case ProblemKind::in_future: return "in-future";
    case ProblemKind::missing: return "missing";
    case ProblemKind::not_regular: return "not-regular";
    case ProblemKind::size: return "size";
    case ProblemKind::chunk_hash: return "chunk-hash";
    case ProblemKind::file_hash: return "file-hash";
    case ProblemKind::io: return "io";
    case ProblemKind::cancelled: return "cancelled";
    case ProblemKind::usage: return "usage";
    case ProblemKind::ese_header: return "ese-header";
    case ProblemKind::ese_foreign_log: return "ese-foreign-log";
    case ProblemKind::ese_log_sequence: return "ese-log-sequence";
    case ProblemKind::ese_logs_missing: return "ese-logs-missing";
    case ProblemKind::ese_checkpoint: return "ese-checkpoint";
    case ProblemKind::unsigned_set: return "unsigned";
    case ProblemKind::signature_file: return "signature-file";
    case ProblemKind::untrusted_key: return "untrusted-key";
    case ProblemKind::expired_key: return "expired-key";
    case ProblemKind::bad_signature: return "bad-signature";
  }
  return "io";
}

std::optional<VerifyProblem> check_age(const Manifest& m, std::int64_t now_unix, std::int64_t max_age_seconds,
                                       std::int64_t max_clock_skew_seconds) {
  const std::string created = format_rfc3339_utc(m.created_at_unix);
  if (m.created_at_unix > now_unix + max_clock_skew_seconds) {
    return set_problem(ProblemKind::in_future,
                       "the backup's createdAt " + created + " is " + days_text(m.created_at_unix - now_unix) +
                           " in the future (now is " + format_rfc3339_utc(now_unix) +
                           "); the clock of this machine or of the backup host is wrong, or the manifest was altered");
  }
  const std::int64_t age = now_unix - m.created_at_unix;
  if (age > max_age_seconds) {
    return set_problem(ProblemKind::too_old,
                       "the backup was taken " + created + ", " + days_text(age) + " ago; maxAge allows " +
                           days_text(max_age_seconds) + ", so it has been too old since " +
                           format_rfc3339_utc(m.created_at_unix + max_age_seconds) +
                           ". Restoring a backup older than the tombstone lifetime brings deleted objects back");
  }
  return std::nullopt;
}

VerifyResult verify_files(host::Disks& disks, const WinPath& source, const Manifest& m, const VerifyOptions& options) {
  VerifyResult out;
  if (options.trust) {
    out.problems = check_signature(disks, source, options.manifest_name, m, *options.trust, options.now_unix);
  }
  if (!expiry_token_bytes(m)) {
    out.problems.push_back(set_problem(ProblemKind::expiry_token,
                                       "the manifest has no usable expiry token; DsRestorePrepare needs the token "
                                       "DsBackupPrepare returned, so this set cannot be restored"));
  }
  if (auto age = check_age(m, options.now_unix, options.max_age_seconds, options.max_clock_skew_seconds)) {
    out.problems.push_back(std::move(*age));
  }
  auto set_info = disks.stat(source);
  if (!set_info || set_info->type != platform::FileType::directory) {
    out.problems.push_back(set_problem(ProblemKind::set_folder, "the backup set folder " + source.str() +
                                                                    (set_info && set_info->type == platform::FileType::symlink
                                                                         ? " is a link; name the folder itself"
                                                                         : " does not exist or is not a folder")));
    return out;
  }

  // Which entries to check: all, or the caller's subset (in manifest order).
  std::vector<const ManifestFile*> chosen;
  if (options.only) {
    std::map<std::string, const ManifestFile*> by_key;
    for (const ManifestFile& f : m.files) by_key.emplace(set_path_key(f.path), &f);
    std::set<std::string> wanted;
    for (const std::string& name : *options.only) {
      if (!by_key.count(set_path_key(name))) {
        out.problems.push_back(set_problem(ProblemKind::usage, "'" + name + "' is not a file of this backup set", name));
      }
      wanted.insert(set_path_key(name));
    }
    for (const ManifestFile& f : m.files) {
      if (wanted.count(set_path_key(f.path))) chosen.push_back(&f);
    }
  } else {
    for (const ManifestFile& f : m.files) chosen.push_back(&f);
  }

  FolderCheck folders(disks, source);
  std::vector<HashTarget> targets;
  std::vector<std::vector<VerifyProblem>> presence(chosen.size());
  std::vector<std::size_t> target_of;  // target index -> chosen index
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const ManifestFile& f = *chosen[i];
    if (expected_chunk_count(f.size, m.chunk_size) != f.chunk_sha256.size()) {
      presence[i].push_back(set_problem(ProblemKind::manifest,
                                        f.path + ": the manifest lists " + std::to_string(f.chunk_sha256.size()) +
                                            " chunk hashes for " + std::to_string(f.size) + " bytes",
                                        f.path));
      continue;
    }
    if (auto p = check_presence(disks, source, f, folders)) {
      presence[i].push_back(std::move(*p));
      continue;
    }
    if (options.depth == VerifyDepth::full) {
      targets.push_back({&f, set_file_path(source, f.path)});
      target_of.push_back(i);
    }
  }
  out.files_checked = chosen.size();

  if (!targets.empty()) {
    HashOutcome hashed = hash_files(disks, targets, m.chunk_size, options);
    out.bytes_hashed = hashed.bytes_hashed;
    for (std::size_t t = 0; t < targets.size(); ++t) {
      for (VerifyProblem& p : hashed.problems[t]) presence[target_of[t]].push_back(std::move(p));
    }
    if (hashed.cancelled) {
      out.cancelled = true;
      out.problems.push_back(
          set_problem(ProblemKind::cancelled, "the check was cancelled before every file was verified"));
    }
  }
  // Whether the set would recover: headers only, after the hashes (a file that failed them
  // is not read again). Resume checks a subset of files, which the ESE rules cannot judge.
  std::vector<VerifyProblem> ese;
  if (options.depth == VerifyDepth::full && !options.only && !out.cancelled) {
    std::set<std::string> failed;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      if (!presence[i].empty()) failed.insert(set_path_key(chosen[i]->path));
    }
    ese = check_ese_set(disks, source, m, failed);
  }
  for (auto& list : presence) {
    for (VerifyProblem& p : list) out.problems.push_back(std::move(p));
  }
  for (VerifyProblem& p : ese) out.problems.push_back(std::move(p));
  if (options.report_extra_files) add_extra_notes(disks, source, m, options.manifest_name, out);
  return out;
}

ManifestRead read_set_manifest(host::Disks& disks, const WinPath& source, const std::string& manifest_name) {
  ManifestRead r;
  const WinPath path = source.child(manifest_name);
  r.display_name = path.str();
  r.diags = input::Diagnostics(r.display_name);
  auto set_info = disks.stat(source);
  if (!set_info) {
    r.state = ManifestRead::State::unreadable;
    r.message = "cannot check the backup set folder " + source.str() + ": " + set_info.status().message();
    return r;
  }
  if (set_info->type == platform::FileType::missing) {
    r.state = ManifestRead::State::set_missing;
    r.message = "the backup set folder " + source.str() + " does not exist";
    return r;
  }
  if (set_info->type != platform::FileType::directory) {
    r.state = ManifestRead::State::set_not_folder;
    r.message = "the backup set " + source.str() +
                (set_info->type == platform::FileType::symlink ? " is a link; name the folder itself" : " is not a folder");
    return r;
  }
  auto info = disks.stat(path);
  if (!info || info->type == platform::FileType::missing) {
    r.state = ManifestRead::State::manifest_missing;
    r.message = "the backup set " + source.str() + " has no manifest " + manifest_name +
                "; it is not a backup set adrestore made, or the manifest was removed";
    return r;
  }
  if (info->type != platform::FileType::regular) {
    r.state = ManifestRead::State::unreadable;
    r.message = "the manifest " + r.display_name + " is not a regular file (links are refused)";
    return r;
  }
  if (info->size > k_max_manifest_bytes) {
    r.state = ManifestRead::State::invalid;
    r.message = "the manifest " + r.display_name + " is " + std::to_string(info->size) + " bytes; at most " +
                std::to_string(k_max_manifest_bytes) + " are allowed";
    r.diags.error({}, {}, r.message);
    return r;
  }
  auto file = disks.open(path, platform::File::Mode::read);
  if (!file) {
    r.state = ManifestRead::State::unreadable;
    r.message = "cannot read the manifest: " + file.status().message();
    return r;
  }
  std::string text;
  char buf[65536];
  for (;;) {
    auto n = (*file)->read(buf, sizeof buf);
    if (!n) {
      r.state = ManifestRead::State::unreadable;
      r.message = "cannot read the manifest: " + n.status().message();
      return r;
    }
    if (*n == 0) break;
    if (text.size() + *n > k_max_manifest_bytes) {
      r.state = ManifestRead::State::invalid;
      r.message = "the manifest " + r.display_name + " is larger than " + std::to_string(k_max_manifest_bytes) + " bytes";
      r.diags.error({}, {}, r.message);
      return r;
    }
    text.append(buf, *n);
  }
  ManifestParse parsed = parse_manifest_diagnostics(text, r.display_name);
  r.diags = std::move(parsed.diags);
  if (!parsed.manifest) {
    r.state = ManifestRead::State::invalid;
    r.message = "the manifest " + r.display_name + " is not valid (" + std::to_string(r.diags.error_count()) +
                " problems)";
    return r;
  }
  r.manifest = std::move(parsed.manifest);
  return r;
}

SetVerification verify_backup_set(host::Disks& disks, const WinPath& source, const std::string& manifest_name,
                                  const VerifyOptions& options) {
  SetVerification out;
  ManifestRead read = read_set_manifest(disks, source, manifest_name);
  if (!read.manifest) {
    const ProblemKind kind = read.state == ManifestRead::State::set_missing ||
                                     read.state == ManifestRead::State::set_not_folder
                                 ? ProblemKind::set_folder
                                 : ProblemKind::manifest;
    bool any = false;
    for (const input::Diagnostic& d : read.diags.items()) {
      if (d.severity != input::Severity::error) continue;
      out.result.problems.push_back(set_problem(kind, input::format_text(d)));
      any = true;
    }
    if (!any) out.result.problems.push_back(set_problem(kind, read.message));
    return out;
  }
  VerifyOptions opts = options;
  opts.manifest_name = manifest_name;
  out.result = verify_files(disks, source, *read.manifest, opts);
  for (const ManifestFile& f : read.manifest->files) {
    if (set_path_key(f.path) == set_path_key(manifest_name)) {
      out.result.problems.insert(
          out.result.problems.begin(),
          set_problem(ProblemKind::manifest, f.path + ": a set file has the manifest's own name (" + manifest_name + ")",
                      f.path));
    }
  }
  out.manifest = std::move(read.manifest);
  return out;
}

}  // namespace adrestore::backup
