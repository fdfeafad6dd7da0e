#include "backup/signature_file.h"

#include <nlohmann/json.hpp>

namespace adrestore::backup {

std::string signature_file_name(const std::string& manifest_name) { return manifest_name + ".sig"; }

Result<std::string> sign_manifest(const platform::Ed25519KeyPair& key, std::string_view manifest_bytes,
                                  const std::string& manifest_name) {
  auto sig = platform::ed25519_sign(key.seed, manifest_bytes);
  if (!sig) return sig.status();
  nlohmann::ordered_json j;
  j["format"] = k_signature_format;
  j["algorithm"] = platform::k_ed25519_name;
  j["keyFingerprint"] = platform::key_fingerprint(key.public_key);
  j["publicKey"] = platform::hex_encode(key.public_key.data(), key.public_key.size());
  j["signature"] = platform::hex_encode(sig->data(), sig->size());
  j["signedFile"] = manifest_name;
  return j.dump(2) + "\n";
}

Result<SignatureFile> parse_signature_file(std::string_view text) {
  auto m = platform::parse_flat_object(text, k_max_signature_bytes,
                                       {"format", "algorithm", "keyFingerprint", "publicKey", "signature", "signedFile"});
  if (!m) return m.status();
  auto bad = [](const std::string& why) { return Status::error(Code::invalid_input, why); };
  if ((*m)["format"] != k_signature_format) return bad("format is not '" + std::string(k_signature_format) + "'");
  if ((*m)["algorithm"] != platform::k_ed25519_name) return bad("algorithm is not ed25519");
  SignatureFile f;
  auto fp = platform::normalize_fingerprint((*m)["keyFingerprint"]);
  if (!fp) return bad("keyFingerprint is not 64 hex digits");
  f.key_fingerprint = *fp;
  if (!platform::hex_decode((*m)["publicKey"], f.public_key.data(), f.public_key.size())) {
    return bad("publicKey is not 64 hex digits");
  }
  if (platform::key_fingerprint(f.public_key) != f.key_fingerprint) return bad("publicKey does not match keyFingerprint");
  if (!platform::hex_decode((*m)["signature"], f.signature.data(), f.signature.size())) {
    return bad("signature is not 128 hex digits (truncated?)");
  }
  f.signed_file = (*m)["signedFile"];
  return f;
}

}  // namespace adrestore::backup
