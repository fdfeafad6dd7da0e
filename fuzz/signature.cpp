// The signature file (<manifest>.sig) and the key files (NAME.pub, NAME.key): all three come
// from places an attacker may write (the backup share, a runbook repository). Whatever a
// reader accepts must be self-consistent and survive a check or a rewrite; the rest is an
// error value. The check itself runs on the accepted key and signature, so hostile curve
// points reach the Ed25519 library too.
#include "backup/signature_file.h"
#include "check.h"
#include "platform/key_files.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::as_text(data, size);

  auto sig = backup::parse_signature_file(text);
  if (sig) {
    FUZZ_CHECK(size <= backup::k_max_signature_bytes);
    FUZZ_CHECK(sig->key_fingerprint == platform::key_fingerprint(sig->public_key));
    auto valid = platform::ed25519_verify(sig->public_key, text, sig->signature);
    FUZZ_CHECK(valid.is_ok());
  }

  auto pub = platform::parse_public_key_file(text);
  if (pub) {
    FUZZ_CHECK(pub->fingerprint == platform::key_fingerprint(pub->key));
    auto again = platform::parse_public_key_file(platform::format_public_key_file(*pub));
    FUZZ_CHECK(again.is_ok());
    FUZZ_CHECK(again->key == pub->key && again->fingerprint == pub->fingerprint && again->expires_unix == pub->expires_unix);
  }

  auto key = platform::parse_private_key_file(text);
  if (key) {
    // The reader derives the public key from the seed and checks the fingerprint against it.
    auto derived = platform::ed25519_public_key(key->seed);
    FUZZ_CHECK(derived.is_ok() && *derived == key->public_key);
    auto again = platform::parse_private_key_file(platform::format_private_key_file(*key));
    FUZZ_CHECK(again.is_ok());
    FUZZ_CHECK(again->seed == key->seed && again->public_key == key->public_key);
  }
  // Accepted as one kind, never as another: the format member tells them apart.
  FUZZ_CHECK(int(sig.is_ok()) + int(pub.is_ok()) + int(key.is_ok()) <= 1);
  return 0;
}
