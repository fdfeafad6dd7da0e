#include "backup/signature.h"

#include "base/text.h"

namespace adrestore::backup {
namespace {

VerifyProblem problem(ProblemKind kind, std::string message) {
  VerifyProblem p;
  p.kind = kind;
  p.message = std::move(message);
  return p;
}

// At most `cap` bytes of a regular file of the set; a larger file is an error.
Result<std::string> read_capped(host::Disks& disks, const WinPath& path, std::size_t cap) {
  auto file = disks.open(path, platform::File::Mode::read);
  if (!file) return file.status();
  std::string text;
  char buf[16384];
  for (;;) {
    auto n = (*file)->read(buf, sizeof buf);
    if (!n) return n.status();
    if (*n == 0) return text;
    if (text.size() + *n > cap) {
      return Status::error(Code::invalid_input, "it is larger than " + std::to_string(cap) + " bytes");
    }
    text.append(buf, *n);
  }
}

std::string short_id(const std::string& fingerprint) { return fingerprint.substr(0, 16); }

}  // namespace

std::vector<VerifyProblem> check_signature(host::Disks& disks, const WinPath& source, const std::string& manifest_name,
                                           const Manifest& manifest, const std::vector<platform::TrustedKey>& trust,
                                           std::int64_t now_unix, std::string* signer) {
  const std::string sig_name = signature_file_name(manifest_name);
  const WinPath sig_path = source.child(sig_name);
  auto info = disks.stat(sig_path);
  if (!info) return {problem(ProblemKind::signature_file, "cannot check the signature " + sig_path.str() + ": " + info.status().message())};
  if (info->type == platform::FileType::missing) {
    return {problem(ProblemKind::unsigned_set,
                    "the backup set is not signed (there is no " + sig_name +
                        "), but the plan accepts only sets signed by a key it trusts (spec.backup.trust)")};
  }
  if (info->type != platform::FileType::regular) {
    return {problem(ProblemKind::signature_file, "the signature " + sig_path.str() + " is not a regular file (links are refused)")};
  }
  auto text = read_capped(disks, sig_path, k_max_signature_bytes);
  if (!text) return {problem(ProblemKind::signature_file, "cannot read the signature " + sig_path.str() + ": " + text.status().message())};
  auto sig = parse_signature_file(*text);
  if (!sig) {
    return {problem(ProblemKind::signature_file, "the signature " + sig_path.str() + " is malformed (" +
                                                     escape_for_terminal(sig.status().message()) + "); the set is refused")};
  }
  if (sig->signed_file != manifest_name) {
    return {problem(ProblemKind::signature_file, "the signature " + sig_path.str() + " is for '" +
                                                     escape_for_terminal(sig->signed_file.substr(0, 255)) + "', not for " +
                                                     manifest_name)};
  }
  const platform::TrustedKey* trusted = nullptr;
  for (const platform::TrustedKey& k : trust) {
    if (k.fingerprint == sig->key_fingerprint) trusted = &k;
  }
  if (!trusted) {
    return {problem(ProblemKind::untrusted_key, "the backup set is signed by key " + short_id(sig->key_fingerprint) +
                                                    "..., which the plan does not trust (spec.backup.trust lists " +
                                                    std::to_string(trust.size()) + " key(s)); the set is refused")};
  }
  if (trusted->expires_unix && now_unix >= *trusted->expires_unix) {
    return {problem(ProblemKind::expired_key, "the backup set is signed by key " + short_id(sig->key_fingerprint) + "... (" +
                                                  trusted->origin + "), which expired on " +
                                                  platform::format_expiry_date(*trusted->expires_unix) +
                                                  "; the set is refused. Sign new backups with the current key")};
  }
  // The key the plan names, when it has it; else the one in the file, whose fingerprint matched.
  const platform::Ed25519PublicKey& key = trusted->key ? *trusted->key : sig->public_key;
  const WinPath manifest_path = source.child(manifest_name);
  auto bytes = read_capped(disks, manifest_path, k_max_manifest_bytes);
  if (!bytes) return {problem(ProblemKind::bad_signature, "cannot read the manifest " + manifest_path.str() + " to check its signature: " + bytes.status().message())};
  auto valid = platform::ed25519_verify(key, *bytes, sig->signature);
  if (!valid) return {problem(ProblemKind::bad_signature, "cannot check the signature: " + valid.status().message())};
  if (!*valid) {
    return {problem(ProblemKind::bad_signature,
                    "the signature " + sig_path.str() + " does not match the manifest: the manifest was changed after it "
                    "was signed (or the signature was); the set is refused")};
  }
  // The manifest the caller checks the files against must be the one signed.
  auto signed_manifest = parse_manifest(*bytes);
  if (!signed_manifest || serialize_manifest(*signed_manifest) != serialize_manifest(manifest)) {
    return {problem(ProblemKind::bad_signature,
                    "the manifest " + manifest_path.str() + " changed while the backup set was checked; the set is refused")};
  }
  if (signer) *signer = sig->key_fingerprint;
  return {};
}

}  // namespace adrestore::backup
