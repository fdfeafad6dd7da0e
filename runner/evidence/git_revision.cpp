#include "evidence/git_revision.h"

#include "base/text.h"

namespace adrestore::evidence {
namespace {

constexpr std::size_t k_git_file_max = 1 << 20;  // HEAD, refs, gitdir files; packed-refs
constexpr int k_max_depth = 64;                  // folders walked up from the plan

std::string read_small(platform::FileSystem& fs, const std::string& path) {
  auto info = fs.stat(path);
  if (!info || info->type != platform::FileType::regular) return {};
  auto bytes = platform::read_file(fs, path, k_git_file_max);
  return bytes ? *bytes : std::string();
}

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

bool is_commit_id(const std::string& s) {
  if (s.size() != 40 && s.size() != 64) return false;  // SHA-1 or SHA-256 repositories
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string parent_of(const std::string& path) {
  const auto cut = path.find_last_of("/\\");
  if (cut == std::string::npos) return ".";
  if (cut == 0) return path.substr(0, 1);
  return path.substr(0, cut);
}

std::string resolve_ref(platform::FileSystem& fs, const std::string& common_dir, const std::string& ref) {
  if (ref.find("..") != std::string::npos || !starts_with(ref, "refs/")) return {};
  const std::string loose = first_line(read_small(fs, common_dir + "/" + ref));
  if (is_commit_id(loose)) return loose;
  // packed-refs: "<id> <ref>" lines.
  for (const std::string& line : split(read_small(fs, common_dir + "/packed-refs"), '\n')) {
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    std::string name = first_line(line.substr(space + 1));
    if (name == ref && is_commit_id(line.substr(0, space))) return line.substr(0, space);
  }
  return {};
}

// A .git folder, or a .git file ("gitdir: PATH") of a worktree or submodule.
std::string git_dir_at(platform::FileSystem& fs, const std::string& dir) {
  const std::string dot_git = dir + "/.git";
  auto info = fs.stat(dot_git);
  if (!info) return {};
  if (info->type == platform::FileType::directory) return dot_git;
  if (info->type != platform::FileType::regular) return {};
  const std::string line = first_line(read_small(fs, dot_git));
  if (!starts_with(line, "gitdir: ")) return {};
  std::string target = line.substr(8);
  const bool absolute = !target.empty() && (target[0] == '/' || target[0] == '\\' ||
                                            (target.size() > 1 && target[1] == ':'));
  return absolute ? target : dir + "/" + target;
}

}  // namespace

std::string git_revision_of(const std::string& plan_file, platform::FileSystem& fs) {
  std::string dir = parent_of(plan_file);
  for (int depth = 0; depth < k_max_depth; ++depth) {
    const std::string git_dir = git_dir_at(fs, dir);
    if (!git_dir.empty()) {
      std::string common = git_dir;
      const std::string common_rel = first_line(read_small(fs, git_dir + "/commondir"));
      if (!common_rel.empty()) common = common_rel[0] == '/' ? common_rel : git_dir + "/" + common_rel;
      const std::string head = first_line(read_small(fs, git_dir + "/HEAD"));
      if (is_commit_id(head)) return head;  // a detached HEAD
      if (starts_with(head, "ref: ")) {
        const std::string ref = head.substr(5);
        std::string id = resolve_ref(fs, git_dir, ref);
        return id.empty() ? resolve_ref(fs, common, ref) : id;
      }
      return {};
    }
    const std::string up = parent_of(dir);
    if (up == dir || dir == ".") return {};
    dir = up;
  }
  return {};
}

}  // namespace adrestore::evidence
