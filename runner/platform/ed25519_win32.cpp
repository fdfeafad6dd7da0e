// platform/ed25519.h on Windows: not implemented yet (doc/backup-trust.md, "Windows"). CNG
// has no Ed25519; the planned implementation uses libgcrypt (libgcrypt-mingw-w64-dev).
// Until then every call fails, so a plan with spec.backup.trust refuses every set here
// rather than restoring one whose signature nobody checked.
#include "platform/ed25519.h"

namespace adrestore::platform {
namespace {

Status unavailable() {
  return Status::error(Code::failed, "signature checks are not available in this build (Ed25519 is not implemented "
                                     "in the Windows build yet; doc/backup-trust.md)");
}

}  // namespace

bool ed25519_available() { return false; }
Result<Ed25519KeyPair> ed25519_generate() { return unavailable(); }
Result<Ed25519PublicKey> ed25519_public_key(const Ed25519Seed&) { return unavailable(); }
Result<Ed25519Signature> ed25519_sign(const Ed25519Seed&, std::string_view) { return unavailable(); }
Result<bool> ed25519_verify(const Ed25519PublicKey&, std::string_view, const Ed25519Signature&) { return unavailable(); }

}  // namespace adrestore::platform
