// Signed manifests (signature.h): every way a set fails its signature check, at both depths
// of verify_files, and that a signed, trusted set passes.
#include <doctest/doctest.h>

#include <algorithm>

#include "backup/signature.h"
#include "backup/verify.h"
#include "platform/sha256.h"
#include "set_fixture.h"

namespace adrestore::backup {
namespace {

using testing::SetFixture;
using testing::contains;

constexpr std::int64_t k_now = testing::k_fixture_created + 3 * 86400;

platform::Ed25519KeyPair new_key() {
  auto kp = platform::ed25519_generate();
  REQUIRE(kp.is_ok());
  return *kp;
}

platform::TrustedKey trusted(const platform::Ed25519KeyPair& kp, bool with_key = true) {
  platform::TrustedKey t;
  t.fingerprint = platform::key_fingerprint(kp.public_key);
  if (with_key) t.key = kp.public_key;
  t.origin = "spec.backup.trust[0]";
  return t;
}

std::filesystem::path sig_path(SetFixture& set) { return set.set_dir() / signature_file_name(k_default_manifest_name); }

void sign(SetFixture& set, const platform::Ed25519KeyPair& kp) {
  auto text = sign_manifest(kp, set.manifest_text(), k_default_manifest_name);
  REQUIRE(text.is_ok());
  testing::write_file(sig_path(set), *text);
}

VerifyResult verify(SetFixture& set, const std::vector<platform::TrustedKey>& trust,
                    VerifyDepth depth = VerifyDepth::full, std::int64_t now = k_now) {
  VerifyOptions o;
  o.now_unix = now;
  o.threads = 2;
  o.depth = depth;
  o.trust = trust;
  return verify_backup_set(set.disks(), set.source(), k_default_manifest_name, o).result;
}

// The only problem is of `kind`, and its message says `words`.
void check_refused(const VerifyResult& r, ProblemKind kind, const std::string& words) {
  std::string all;
  for (const VerifyProblem& p : r.problems) all += std::string(to_string(p.kind)) + ": " + p.message + "\n";
  INFO(all);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].kind == kind);
  CHECK(contains(r.problems[0].message, words));
}

TEST_SUITE("backup") {
  TEST_CASE("a set signed by a trusted key verifies, by key file or by fingerprint alone") {
    SetFixture set;
    const auto kp = new_key();
    sign(set, kp);
    for (bool with_key : {true, false}) {
      CAPTURE(with_key);
      for (VerifyDepth d : {VerifyDepth::full, VerifyDepth::cheap}) {
        const VerifyResult r = verify(set, {trusted(new_key()), trusted(kp, with_key)}, d);
        CHECK(r.ok());
        CHECK(r.notes.empty());  // the signature file is part of the set, not an extra entry
      }
    }
    std::string signer;
    CHECK(check_signature(set.disks(), set.source(), k_default_manifest_name, set.manifest(), {trusted(kp)}, k_now, &signer)
              .empty());
    CHECK(signer == platform::key_fingerprint(kp.public_key));
  }

  TEST_CASE("without spec.backup.trust the signature is not looked at") {
    SetFixture set;
    testing::write_file(sig_path(set), "garbage");
    VerifyOptions o;
    o.now_unix = k_now;
    CHECK(verify_backup_set(set.disks(), set.source(), k_default_manifest_name, o).result.ok());
  }

  TEST_CASE("an unsigned set is refused when the plan trusts keys, at both depths") {
    SetFixture set;
    for (VerifyDepth d : {VerifyDepth::full, VerifyDepth::cheap}) {
      check_refused(verify(set, {trusted(new_key())}, d), ProblemKind::unsigned_set, "the backup set is not signed");
    }
  }

  TEST_CASE("tampered bytes with a re-hashed manifest are caught only by the signature") {
    SetFixture set;
    const auto kp = new_key();
    sign(set, kp);
    // The attacker changes the database and rewrites its hashes: the hashes match again.
    set.flip_byte("ntds.dit", 100000);  // past the ESE header page, which has a checksum of its own
    ManifestFile& f = set.manifest().files[0];
    const std::string bytes = testing::read_file(set.file(f.path));
    f.sha256 = platform::to_hex(platform::sha256(bytes));
    for (std::size_t i = 0; i < f.chunk_sha256.size(); ++i) {
      const std::size_t chunk = set.manifest().chunk_size;
      f.chunk_sha256[i] = platform::to_hex(platform::sha256(std::string_view(bytes).substr(i * chunk, chunk)));
    }
    set.write_manifest();
    VerifyOptions plain;
    plain.now_unix = k_now;
    CHECK(verify_backup_set(set.disks(), set.source(), k_default_manifest_name, plain).result.ok());
    check_refused(verify(set, {trusted(kp)}), ProblemKind::bad_signature, "does not match the manifest");
    check_refused(verify(set, {trusted(kp, false)}, VerifyDepth::cheap), ProblemKind::bad_signature,
                  "the manifest was changed after it was signed");
  }

  TEST_CASE("a manifest edited after signing (one byte of createdAt) is refused") {
    SetFixture set;
    const auto kp = new_key();
    sign(set, kp);
    std::string text = set.manifest_text();
    const std::size_t at = text.find("2026-11-20T02:00:00Z");
    REQUIRE(at != std::string::npos);
    text[at + 9] = '1';  // 2026-11-21
    set.write_manifest_text(text);
    check_refused(verify(set, {trusted(kp)}), ProblemKind::bad_signature, "does not match the manifest");
  }

  TEST_CASE("a set signed by a key the plan does not trust is refused") {
    SetFixture set;
    sign(set, new_key());
    check_refused(verify(set, {trusted(new_key()), trusted(new_key(), false)}), ProblemKind::untrusted_key,
                  "which the plan does not trust (spec.backup.trust lists 2 key(s))");
  }

  TEST_CASE("a set signed by an expired key is refused from the expiry date on") {
    SetFixture set;
    const auto kp = new_key();
    sign(set, kp);
    platform::TrustedKey t = trusted(kp);
    t.expires_unix = k_now;
    check_refused(verify(set, {t}), ProblemKind::expired_key, "expired on 2026-11-23");
    t.expires_unix = k_now + 1;
    CHECK(verify(set, {t}).ok());
  }

  TEST_CASE("a truncated, oversized, linked or foreign signature file is refused") {
    SetFixture set;
    const auto kp = new_key();
    sign(set, kp);
    const std::string good = testing::read_file(sig_path(set));
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, good.size() / 3, good.size() - 40, good.size() - 3}) {
      CAPTURE(cut);
      testing::write_file(sig_path(set), good.substr(0, cut));
      check_refused(verify(set, {trusted(kp)}), ProblemKind::signature_file, "is malformed");
    }
    // The signature's hex cut short inside a well-formed file.
    std::string shorter = good;
    const std::size_t sig_at = shorter.find("\"signature\": \"") + 14;
    shorter.erase(sig_at, 2);
    testing::write_file(sig_path(set), shorter);
    check_refused(verify(set, {trusted(kp)}), ProblemKind::signature_file, "signature is not 128 hex digits");

    testing::write_file(sig_path(set), good + std::string(k_max_signature_bytes, ' '));
    check_refused(verify(set, {trusted(kp)}), ProblemKind::signature_file, "larger than 4096 bytes");

    std::string other = good;
    other.replace(other.find("\"signedFile\": \"adrestore-backup.json\""), 37, "\"signedFile\": \"other.json\"");
    testing::write_file(sig_path(set), other);
    check_refused(verify(set, {trusted(kp)}), ProblemKind::signature_file, "is for 'other.json'");

    // A public key that does not match the named fingerprint.
    std::string swapped = good;
    const std::string theirs = platform::hex_encode(new_key().public_key.data(), 32);
    const std::size_t pk_at = swapped.find("\"publicKey\": \"") + 14;
    swapped.replace(pk_at, 64, theirs);
    testing::write_file(sig_path(set), swapped);
    check_refused(verify(set, {trusted(kp, false)}), ProblemKind::signature_file, "publicKey does not match keyFingerprint");

    std::filesystem::remove(sig_path(set));
    std::filesystem::create_directory(sig_path(set));
    check_refused(verify(set, {trusted(kp)}), ProblemKind::signature_file, "not a regular file");
  }

  TEST_CASE("the manifest checked must be the manifest signed") {
    SetFixture set;
    const auto kp = new_key();
    sign(set, kp);
    Manifest other = set.manifest();
    other.files.pop_back();
    const auto problems = check_signature(set.disks(), set.source(), k_default_manifest_name, other, {trusted(kp)}, k_now);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].kind == ProblemKind::bad_signature);
    CHECK(contains(problems[0].message, "changed while the backup set was checked"));
  }
}

}  // namespace
}  // namespace adrestore::backup
