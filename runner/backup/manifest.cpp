// The manifest reader: JSON (json_tree) -> JSON Schema (shape) -> value rules -> Manifest.
// Every problem is collected, each with its line, column and field path.
#include "backup/manifest.h"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "backup/encoding.h"
#include "backup/json_tree.h"
#include "base/embedded.h"
#include "base/text.h"
#include "input/json_convert.h"
#include "input/schema_check.h"

namespace adrestore::backup {
namespace {

using nlohmann::json;
using input::Diagnostics;
using input::Node;

const input::SchemaChecker& manifest_schema() {
  static const std::shared_ptr<input::SchemaChecker> checker = [] {
    auto c = input::SchemaChecker::create(embedded_file("schema/backup-manifest.schema.json"));
    if (!c) throw Fatal{c.status()};
    return *c;
  }();
  return *checker;
}

// A field of a mapping seen both as the marked tree node and as its typed JSON value.
struct Field {
  const Node* node = nullptr;
  const json* value = nullptr;
  std::string path;
  explicit operator bool() const { return node && value; }
  input::Mark mark() const { return node ? node->mark : input::Mark{}; }
};

Field field(const Node& map_node, const json& map_value, const std::string& parent_path, const std::string& key) {
  Field f;
  f.path = input::path_child(parent_path, key);
  if (!map_node.is_map() || !map_value.is_object()) return f;
  f.node = map_node.get(key);
  auto it = map_value.find(key);
  if (it != map_value.end()) f.value = &*it;
  return f;
}

// Typed readers: nullopt when absent or of the wrong type (the schema has said so already).
std::optional<std::string> str(const Field& f) {
  if (!f || !f.value->is_string()) return std::nullopt;
  return f.value->get<std::string>();
}
std::optional<std::int64_t> integer(const Field& f) {
  if (!f || !f.value->is_number_integer()) return std::nullopt;
  return f.value->get<std::int64_t>();
}

std::optional<WinPath> windows_path(const Field& f, Diagnostics& diags) {
  auto s = str(f);
  if (!s) return std::nullopt;
  if (s->size() > 32767) {
    diags.error(f.mark(), f.path, "the path is " + std::to_string(s->size()) + " characters; Windows allows 32767");
    return std::nullopt;
  }
  auto p = WinPath::parse(*s);
  if (!p) {
    diags.error(f.mark(), f.path, p.status().message());
    return std::nullopt;
  }
  return *p;
}

// Long values are cut in messages; the field path already says which one it is.
std::string shown(const std::string& s) {
  return escape_for_terminal(s.size() > 80 ? s.substr(0, 77) + "..." : s);
}

// What the plan schema's domainController pattern allows: DNS labels of 1-63 letters,
// digits and hyphens (not leading), dot-separated, at most 255 characters.
bool is_host_name(const std::string& s) {
  if (s.empty() || s.size() > 255) return false;
  for (const std::string& label : split(s, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-') return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
  }
  return true;
}

constexpr std::size_t k_max_token_base64 = 87384;  // 64 KiB of token

bool is_power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// Reads one file entry; reports its problems and returns it only when it has none.
std::optional<ManifestFile> read_file_entry(const Node& node, const json& value, const std::string& path,
                                            std::optional<std::uint64_t> chunk_size, Diagnostics& diags) {
  const std::size_t errors_before = diags.error_count();
  ManifestFile f;
  const Field fpath = field(node, value, path, "path");
  if (auto s = str(fpath)) {
    if (std::string why = check_set_relative_path(*s); !why.empty()) {
      diags.error(fpath.mark(), fpath.path, "'" + shown(*s) + "' " + why);
    }
    f.path = *s;
  }
  if (auto s = str(field(node, value, path, "type"))) {
    if (auto k = file_kind_from_string(*s)) f.kind = *k;
  }
  if (auto p = windows_path(field(node, value, path, "originalPath"), diags)) f.original = *p;
  const Field fsize = field(node, value, path, "size");
  std::optional<std::uint64_t> size;
  if (auto v = integer(fsize)) {
    if (*v < 0) {
      diags.error(fsize.mark(), fsize.path, "a size cannot be negative; found " + std::to_string(*v));
    } else {
      size = static_cast<std::uint64_t>(*v);
      f.size = *size;
    }
  }
  if (auto s = str(field(node, value, path, "sha256"))) f.sha256 = *s;
  const Field fchunks = field(node, value, path, "chunks");
  if (fchunks && fchunks.value->is_array()) {
    for (const json& c : *fchunks.value) {
      if (c.is_string()) f.chunk_sha256.push_back(c.get<std::string>());
    }
    if (size && chunk_size) {
      const std::uint64_t want = expected_chunk_count(*size, *chunk_size);
      if (fchunks.value->size() != want) {
        diags.error(fchunks.mark(), fchunks.path,
                    "has " + std::to_string(fchunks.value->size()) + " chunk hashes; a file of " +
                        std::to_string(*size) + " bytes in chunks of " + std::to_string(*chunk_size) + " bytes has " +
                        std::to_string(want));
      }
    }
  }
  if (diags.error_count() != errors_before) return std::nullopt;
  return f;
}

// Names that would collide on Windows: the same path in another case, or a file whose name
// is also used as a folder by another entry ("a" and "a/b").
void check_collisions(const Node& files_node, const std::vector<std::optional<ManifestFile>>& files,
                      const std::string& files_path, Diagnostics& diags) {
  std::map<std::string, std::size_t> by_key;
  std::map<std::string, std::size_t> folders;  // key of every parent folder -> first entry using it
  std::map<std::string, std::size_t> originals;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!files[i]) continue;
    const std::string key = set_path_key(files[i]->path);
    std::string prefix;
    const std::vector<std::string> segs = split(key, '/');
    for (std::size_t s = 0; s + 1 < segs.size(); ++s) {
      prefix += (s ? "/" : "") + segs[s];
      folders.emplace(prefix, i);
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!files[i]) continue;
    const Node& item = files_node.items[i];
    const std::string ipath = input::path_index(files_path, i);
    const std::string key = set_path_key(files[i]->path);
    auto [it, inserted] = by_key.emplace(key, i);
    if (!inserted) {
      const ManifestFile& first = *files[it->second];
      diags.error(item.key_mark("path"), input::path_child(ipath, "path"),
                  "'" + files[i]->path + "' names the same file as files[" + std::to_string(it->second) + "] '" +
                      first.path + "' (Windows names are case-insensitive)");
    }
    if (auto f = folders.find(key); f != folders.end()) {
      diags.error(item.key_mark("path"), input::path_child(ipath, "path"),
                  "'" + files[i]->path + "' is a file, but files[" + std::to_string(f->second) + "] '" +
                      files[f->second]->path + "' uses it as a folder");
    }
    if (key == set_path_key(k_default_manifest_name)) {
      diags.error(item.key_mark("path"), input::path_child(ipath, "path"),
                  "'" + files[i]->path + "' is the manifest's own name; a set file cannot use it");
    }
    const std::string okey = to_lower_ascii(files[i]->original.str());
    auto [o, fresh] = originals.emplace(okey, i);
    if (!fresh) {
      diags.error(item.key_mark("originalPath"), input::path_child(ipath, "originalPath"),
                  "'" + files[i]->original.str() + "' is also the original path of files[" +
                      std::to_string(o->second) + "]; a restore cannot put two files there");
    }
  }
}

void read_manifest(const Node& root, const json& doc, Diagnostics& diags, Manifest& m) {
  auto f = [&](const std::string& key) { return field(root, doc, {}, key); };

  const Field dc = f("dc");
  if (auto s = str(dc)) {
    if (!is_host_name(*s)) {
      diags.error(dc.mark(), dc.path, "'" + shown(*s) + "' is not a host name such as DC01 or DC01.corp.example.com");
    }
    m.dc = *s;
  }
  const Field created = f("createdAt");
  if (auto s = str(created)) {
    auto t = parse_rfc3339_utc(*s);
    if (!t) {
      diags.error(created.mark(), created.path, "'" + shown(*s) + "' is " + t.status().message());
    } else {
      m.created_at = *s;
      m.created_at_unix = *t;
    }
  }
  const Field token = f("expiryToken");
  if (auto s = str(token)) {
    auto bytes = decode_base64(*s);
    if (s->size() > k_max_token_base64) {
      diags.error(token.mark(), token.path, "the expiry token is longer than 64 KiB; real tokens are a few dozen bytes");
    } else if (s->empty() || (bytes && bytes->empty())) {
      diags.error(token.mark(), token.path,
                  "the expiry token is empty; DsRestorePrepare needs the token DsBackupPrepare returned, so this "
                  "set cannot be restored");
    } else if (!bytes) {
      diags.error(token.mark(), token.path, bytes.status().message());
    } else {
      m.expiry_token_base64 = *s;
    }
  }
  std::optional<std::int64_t> gens[2];
  const char* gen_keys[2] = {"genLow", "genHigh"};
  for (int i = 0; i < 2; ++i) {
    const Field g = f(gen_keys[i]);
    gens[i] = integer(g);
    if (gens[i] && (*gens[i] < 0 || *gens[i] > k_max_log_generation)) {
      diags.error(g.mark(), g.path,
                  "log generation " + std::to_string(*gens[i]) + " is outside 0 to 1048575 (0xFFFFF)");
      gens[i].reset();
    }
  }
  if (gens[0] && gens[1]) {
    if (*gens[0] > *gens[1]) {
      diags.error(f("genHigh").mark(), "genHigh",
                  "genHigh (" + std::to_string(*gens[1]) + ") is lower than genLow (" + std::to_string(*gens[0]) + ")");
    }
    m.gen_low = static_cast<std::uint32_t>(*gens[0]);
    m.gen_high = static_cast<std::uint32_t>(*gens[1]);
  }
  const Field loc = f("locations");
  if (loc && loc.value->is_object()) {
    m.locations.database_file = windows_path(field(*loc.node, *loc.value, loc.path, "database"), diags);
    m.locations.log_dir = windows_path(field(*loc.node, *loc.value, loc.path, "logs"), diags);
    m.locations.checkpoint_dir = windows_path(field(*loc.node, *loc.value, loc.path, "checkpoint"), diags);
  }
  const Field chunk = f("chunkSize");
  std::optional<std::uint64_t> chunk_size;
  if (auto v = integer(chunk)) {
    if (*v < 0 || !is_power_of_two(static_cast<std::uint64_t>(*v)) ||
        static_cast<std::uint64_t>(*v) < k_min_chunk_size || static_cast<std::uint64_t>(*v) > k_max_chunk_size) {
      diags.error(chunk.mark(), chunk.path,
                  std::to_string(*v) + " is not a power of two from 65536 (64 KiB) to 1073741824 (1 GiB)");
    } else {
      chunk_size = static_cast<std::uint64_t>(*v);
      m.chunk_size = *chunk_size;
    }
  }
  const Field files = f("files");
  if (!files || !files.value->is_array() || !files.node->is_seq()) return;
  if (files.value->size() > k_max_manifest_files) return;  // the schema has said so; do not spend time on it
  std::vector<std::optional<ManifestFile>> entries;
  bool any_database = false;
  for (std::size_t i = 0; i < files.value->size(); ++i) {
    const json& v = (*files.value)[i];
    const Node& n = files.node->items[i];
    entries.push_back(v.is_object() ? read_file_entry(n, v, input::path_index("files", i), chunk_size, diags)
                                    : std::nullopt);
    if (entries.back() && entries.back()->kind == FileKind::database) any_database = true;
  }
  check_collisions(*files.node, entries, "files", diags);
  const bool all_read = std::all_of(entries.begin(), entries.end(), [](const auto& e) { return e.has_value(); });
  if (all_read && !entries.empty() && !any_database) {
    diags.error(files.mark(), "files",
                "no file has type 'database'; a backup set must hold the directory database (ntds.dit)");
  }
  for (auto& e : entries) {
    if (e) m.files.push_back(std::move(*e));
  }
}

}  // namespace

ManifestParse parse_manifest_diagnostics(std::string_view json_text, const std::string& display_name) {
  ManifestParse out;
  out.diags = Diagnostics(display_name);
  Diagnostics& diags = out.diags;
  JsonLimits limits;
  limits.max_bytes = k_max_manifest_bytes;
  std::optional<Node> root = parse_json_tree(json_text, diags, limits);
  if (!root) return out;
  if (!root->is_map()) {
    diags.error(root->mark, {}, "expected a JSON object (the manifest); found " + input::describe_node(*root));
    return out;
  }
  const json doc = input::to_json(*root);
  // A manifest from another format version is judged by that version's rules, which this
  // reader does not know: say only that, rather than a list of "unknown field" noise.
  const Field version = field(*root, doc, {}, "formatVersion");
  if (auto v = integer(version); v && *v != k_manifest_format_version) {
    diags.error(version.mark(), version.path,
                "format version " + std::to_string(*v) + " is not supported; this adrestore reads format version " +
                    std::to_string(k_manifest_format_version) +
                    (*v > k_manifest_format_version ? " (the set was written by a newer adrestore)" : ""));
    return out;
  }
  manifest_schema().check(*root, doc, diags);
  Manifest m;
  try {
    read_manifest(*root, doc, diags, m);
  } catch (const std::exception& e) {
    // nlohmann's typed access throws on a type the schema let through; never let that escape.
    diags.error(root->mark, {}, std::string("cannot read the manifest: ") + e.what());
  }
  diags.sort_and_dedupe();
  if (!diags.has_errors()) out.manifest = std::move(m);
  return out;
}

Result<Manifest> parse_manifest(std::string_view json_text) {
  ManifestParse p = parse_manifest_diagnostics(json_text, k_default_manifest_name);
  if (p.manifest) return std::move(*p.manifest);
  std::vector<std::string> lines;
  const std::size_t k_shown = 20;
  for (const input::Diagnostic& d : p.diags.items()) {
    if (d.severity != input::Severity::error) continue;
    if (lines.size() == k_shown) {
      lines.push_back("... and " + std::to_string(p.diags.error_count() - k_shown) + " more errors");
      break;
    }
    lines.push_back(input::format_text(d));
  }
  if (lines.empty()) lines.push_back("the manifest is not valid");
  return Status::error(Code::invalid_input, join(lines, "\n"));
}

}  // namespace adrestore::backup
