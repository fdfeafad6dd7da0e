#include "plan/trust.h"

#include <algorithm>

#include "base/text.h"
#include "input/guard.h"
#include "platform/fs.h"

namespace adrestore::plan {
namespace {

// keyFile: a relative path inside the plan's folder ('/'-separated), so that a plan reads
// only files of its own runbook repository.
std::string check_key_file_path(const std::string& p) {
  if (p.empty() || p.size() > 255) return "keyFile must be 1 to 255 characters";
  if (p.front() == '/' || p.find('\\') != std::string::npos || p.find(':') != std::string::npos) {
    return "keyFile must be a relative path with '/' separators, inside the plan's folder";
  }
  for (const std::string& seg : split(p, '/')) {
    if (seg.empty() || seg == "." || seg == "..") return "keyFile must stay inside the plan's folder (no '..', '.' or empty segment)";
  }
  return {};
}

}  // namespace

void convert_trust(const input::Node* backup, Plan& plan, input::Diagnostics& diags) {
  const input::Node* list = backup ? backup->get("trust") : nullptr;
  if (!list || !list->is_seq()) return;  // the schema reports a wrong type
  plan.backup_trust.emplace();
  for (std::size_t i = 0; i < list->items.size() && i < k_max_trusted_keys; ++i) {
    const input::Node& n = list->items[i];
    if (!n.is_map()) continue;
    TrustEntry e;
    e.path = input::path_index("spec.backup.trust", i);
    e.mark = n.mark;
    e.key.origin = e.path;
    const input::Node* fp = n.get("fingerprint");
    const input::Node* file = n.get("keyFile");
    const input::Node* expires = n.get("expires");
    if (!fp && !file) diags.error(n.mark, e.path, "a trusted key needs a fingerprint, a keyFile, or both");
    if (fp && fp->is_scalar()) {
      auto norm = platform::normalize_fingerprint(fp->value);
      if (!norm) {
        if (!diags.has_error_at(fp->mark)) {
          diags.error(fp->mark, input::path_child(e.path, "fingerprint"),
                      "a fingerprint is 64 hex digits (the SHA-256 of the public key, as keygen prints it)");
        }
      } else {
        e.key.fingerprint = *norm;
      }
    }
    if (file && file->is_scalar()) {
      e.key_file = Field<std::string>{file->value, file->mark, input::path_child(e.path, "keyFile")};
      std::string why = check_key_file_path(file->value);
      if (!why.empty() && !diags.has_error_at(file->mark)) diags.error(file->mark, e.key_file->path, why);
      e.key.origin += " (" + file->value + ")";
    }
    if (expires && expires->is_scalar()) {
      auto t = platform::parse_expiry_date(expires->value);
      if (!t) {
        if (!diags.has_error_at(expires->mark)) {
          diags.error(expires->mark, input::path_child(e.path, "expires"), t.status().message());
        }
      } else {
        e.key.expires_unix = *t;
      }
    }
    plan.backup_trust->push_back(std::move(e));
  }
}

void read_trust_key_files(Plan& plan, const std::string& plan_path, input::Diagnostics& diags) {
  if (!plan.backup_trust) return;
  const std::string dir = platform::parent_dir(plan_path);
  for (TrustEntry& e : *plan.backup_trust) {
    if (!e.key_file) continue;
    const Field<std::string>& f = *e.key_file;
    const std::string path = dir.empty() ? f.value : platform::join_path(dir, f.value);
    auto text = input::read_capped_file(path, platform::k_max_key_file_bytes);
    if (!text) {
      diags.error(f.mark, f.path, "cannot read the key file: " + text.status().message());
      continue;
    }
    auto pub = platform::parse_public_key_file(*text);
    if (!pub) {
      diags.error(f.mark, f.path, "the key file " + escape_for_terminal(f.value) + " is not an adrestore public key: " +
                                      escape_for_terminal(pub.status().message()));
      continue;
    }
    if (!e.key.fingerprint.empty() && e.key.fingerprint != pub->fingerprint) {
      diags.error(f.mark, f.path,
                  "the key file " + escape_for_terminal(f.value) + " holds key " + pub->fingerprint +
                      ", not the fingerprint this entry names; fix the fingerprint or the file");
      continue;
    }
    e.key.fingerprint = pub->fingerprint;
    e.key.key = pub->key;
    if (pub->expires_unix) {
      e.key.expires_unix = e.key.expires_unix ? std::min(*e.key.expires_unix, *pub->expires_unix) : *pub->expires_unix;
    }
  }
}

}  // namespace adrestore::plan
