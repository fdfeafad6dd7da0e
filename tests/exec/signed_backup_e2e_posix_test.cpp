// Signed backup sets through the built binary (issue 17 items 3 and 4): keygen, backup
// --sign, validate and run with spec.backup.trust. Every refused set stops at backup.verify,
// before DsRestorePrepare, with the destination untouched.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>

#include "backup/signature.h"
#include "exec/matrix_fixture.h"
#include "platform/sha256.h"

namespace adrestore::testing {
namespace {

namespace fs = std::filesystem;

// The matrix plan with spec.backup.trust (`trust` is the YAML list, indented for it) and
// optionally another source.
void write_trust_plan(const MatrixWorld& w, const std::string& trust, const std::string& source = "D:\\Backups\\DC01") {
  std::string text = read_file(w.plan);
  const std::string line = "    source: 'D:\\Backups\\DC01'\n";
  const std::size_t at = text.find(line);
  REQUIRE(at != std::string::npos);
  text.replace(at, line.size(), "    source: '" + source + "'\n    trust:\n" + trust);
  write_file(w.plan, text);
}

// keygen NAME (in the plan's folder, under keys/); returns the key pair.
platform::Ed25519KeyPair keygen(const MatrixWorld& w, const std::string& name) {
  fs::create_directories(w.tmp / "keys");
  const RunResult r = run_adrestore({"-q", "keygen", "--out", (w.tmp / "keys" / name).string()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto kp = platform::parse_private_key_file(read_file(w.tmp / "keys" / (name + ".key")));
  REQUIRE_MESSAGE(kp.is_ok(), kp.status().message());
  return *kp;
}

fs::path set_file(const MatrixWorld& w, const std::string& name) { return w.host("D/Backups/DC01/" + name); }

void sign_set(const MatrixWorld& w, const platform::Ed25519KeyPair& kp) {
  auto sig = backup::sign_manifest(kp, read_file(set_file(w, "adrestore-backup.json")), "adrestore-backup.json");
  REQUIRE(sig.is_ok());
  write_file(set_file(w, "adrestore-backup.json.sig"), *sig);
}

// Changes a byte of ntds.dit and rewrites its hashes in the manifest, as an attacker with
// write access to the share would.
void tamper_and_rehash(const MatrixWorld& w) {
  std::string db = read_file(set_file(w, "ntds.dit"));
  db[5000] = static_cast<char>(db[5000] ^ 0x5a);
  write_file(set_file(w, "ntds.dit"), db);
  auto m = backup::parse_manifest(read_file(set_file(w, "adrestore-backup.json")));
  REQUIRE(m.is_ok());
  for (backup::ManifestFile& f : m->files) {
    if (f.path != "ntds.dit") continue;
    f.sha256 = platform::to_hex(platform::sha256(db));
    for (std::size_t i = 0; i < f.chunk_sha256.size(); ++i) {
      f.chunk_sha256[i] = platform::to_hex(platform::sha256(std::string_view(db).substr(i * m->chunk_size, m->chunk_size)));
    }
  }
  write_file(set_file(w, "adrestore-backup.json"), backup::serialize_manifest(*m));
}

void check_refused_untouched(const MatrixWorld& w, const RunResult& r, const std::string& words) {
  const std::string all = r.out + r.err;
  CHECK_MESSAGE(r.exit_code == 3, all);
  CHECK_MESSAGE(contains(all, "the backup set D:\\Backups\\DC01 fails its signature check; nothing was changed"), all);
  CHECK_MESSAGE(contains(all, words), all);
  CHECK(w.destination() == w.destination_before);
  const std::vector<std::string> calls = w.call_names();
  CHECK_MESSAGE(std::find(calls.begin(), calls.end(), "DsRestorePrepare") == calls.end(), all);
  CHECK(w.run_state().failed_step == "backup.verify");
}

TEST_SUITE("exec") {
  TEST_CASE("keygen writes an owner-only private key and a public key, and never overwrites them") {
    TempDir tmp;
    const std::string out = (tmp / "ops").string();
    const RunResult r = run_adrestore({"keygen", "--out", out, "--expires", "2030-01-31"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    struct stat st {};
    REQUIRE(::stat((out + ".key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto pub = platform::parse_public_key_file(read_file(out + ".pub"));
    REQUIRE(pub.is_ok());
    CHECK(pub->expires_unix == *platform::parse_expiry_date("2030-01-31"));
    CHECK(contains(r.out, "fingerprint: " + pub->fingerprint));
    CHECK_FALSE(contains(r.out + r.err, read_file(out + ".key").substr(60, 40)));  // no private key bytes printed
    const std::string key_before = read_file(out + ".key");
    const RunResult again = run_adrestore({"keygen", "--out", out});
    CHECK(again.exit_code == 5);
    CHECK(contains(again.err, "already exists"));
    CHECK(read_file(out + ".key") == key_before);
    CHECK(run_adrestore({"keygen", "--out", (tmp / "x").string(), "--expires", "2030-02-30"}).exit_code == 2);
  }

  TEST_CASE("backup --sign makes a set that validate and run accept under spec.backup.trust") {
    MatrixWorld w;
    keygen(w, "ops-2027");
    REQUIRE(run_adrestore({"-q", "sim", "boot", w.world.string(), "--normal"}).exit_code == 0);
    const RunResult b = run_adrestore({"-q", "backup", "--api", "sim", "--world", w.world.string(), "--out",
                                       "D:\\Backups\\DC01-signed", "--chunk-size", "256Ki", "--sign",
                                       (w.tmp / "keys" / "ops-2027.key").string()});
    REQUIRE_MESSAGE(b.exit_code == 0, b.err);
    REQUIRE(run_adrestore({"-q", "sim", "boot", w.world.string(), "--dsrm"}).exit_code == 0);
    const std::string sig = read_file(w.host("D/Backups/DC01-signed/adrestore-backup.json.sig"));
    CHECK_FALSE(contains(sig, "privateKey"));
    write_trust_plan(w, "      - keyFile: keys/ops-2027.pub\n", "D:\\Backups\\DC01-signed");
    const RunResult v = run_adrestore({"validate", w.plan.string(), "--api", "sim", "--world", w.world.string()});
    CHECK_MESSAGE(v.exit_code == 0, (v.out + v.err));
    const RunResult r = w.run();
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    // The private key is nowhere in the set, the state or the journal.
    const std::string secret = read_file(w.tmp / "keys" / "ops-2027.key");
    const std::string seed = secret.substr(secret.find("\"privateKey\": \"") + 15, 64);
    for (const fs::path& dir : {w.host("D/Backups/DC01-signed"), w.state}) {
      for (const auto& [name, content] : files_under(dir)) {
        CAPTURE(name);
        CHECK_FALSE(contains(content, seed));
      }
    }
  }

  TEST_CASE("validate reports an unsigned set when the plan trusts keys") {
    MatrixWorld w;
    keygen(w, "ops");
    write_trust_plan(w, "      - keyFile: keys/ops.pub\n");
    const RunResult v = run_adrestore({"validate", w.plan.string(), "--api", "sim", "--world", w.world.string()});
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(contains(v.out + v.err, "the backup set is not signed"), (v.out + v.err));
  }

  TEST_CASE("verify --plan checks the signature against the plan's trusted keys") {
    MatrixWorld w;
    const auto kp = keygen(w, "ops");
    write_trust_plan(w, "      - keyFile: keys/ops.pub\n");
    const std::vector<std::string> args = {"verify", "--plan", w.plan.string(), "--api", "sim", "--world", w.world.string()};
    const RunResult unsigned_set = run_adrestore(args);
    CHECK_MESSAGE(unsigned_set.exit_code == 3, (unsigned_set.out + unsigned_set.err));
    CHECK_MESSAGE(contains(unsigned_set.out, "not signed"), unsigned_set.out);
    sign_set(w, kp);
    const RunResult signed_set = run_adrestore(args);
    CHECK_MESSAGE(signed_set.exit_code == 0, (signed_set.out + signed_set.err));
    tamper_and_rehash(w);
    const RunResult tampered = run_adrestore(args);
    CHECK_MESSAGE(tampered.exit_code == 3, (tampered.out + tampered.err));
    CHECK_MESSAGE(contains(tampered.out, "does not match the manifest"), tampered.out);
  }

  TEST_CASE("a set with a good signature by a trusted key is restored") {
    MatrixWorld w;
    const auto kp = keygen(w, "ops");
    sign_set(w, kp);
    write_trust_plan(w, "      - fingerprint: " + platform::key_fingerprint(kp.public_key) + "\n");
    const RunResult r = w.run();
    CHECK_MESSAGE(r.exit_code == 0, (r.out + r.err));
    // The signature stays with the set (it is not restored); check_restored compares the
    // destination with every other file of the set.
    fs::remove(set_file(w, "adrestore-backup.json.sig"));
    check_restored(w);
  }

  TEST_CASE("an unsigned set is refused before restore.prepare, nothing touched") {
    MatrixWorld w;
    keygen(w, "ops");
    write_trust_plan(w, "      - keyFile: keys/ops.pub\n");
    check_refused_untouched(w, w.run(), "there is no adrestore-backup.json.sig");
  }

  TEST_CASE("tampered bytes with a re-hashed manifest are refused before restore.prepare, nothing touched") {
    MatrixWorld w;
    const auto kp = keygen(w, "ops");
    sign_set(w, kp);
    tamper_and_rehash(w);
    write_trust_plan(w, "      - keyFile: keys/ops.pub\n");
    check_refused_untouched(w, w.run(), "the manifest was changed after it was signed");
  }

  TEST_CASE("a set signed by an expired key is refused before restore.prepare, nothing touched") {
    MatrixWorld w;
    const auto kp = keygen(w, "ops");
    sign_set(w, kp);
    write_trust_plan(w, "      - keyFile: keys/ops.pub\n        expires: 2001-01-01\n");
    check_refused_untouched(w, w.run(), "which expired on 2001-01-01");
  }

  TEST_CASE("a set signed by an untrusted key is refused before restore.prepare, nothing touched") {
    MatrixWorld w;
    keygen(w, "ops");
    sign_set(w, keygen(w, "intruder"));
    write_trust_plan(w, "      - keyFile: keys/ops.pub\n");
    check_refused_untouched(w, w.run(), "which the plan does not trust");
  }

  TEST_CASE("a truncated signature file is refused before restore.prepare, nothing touched") {
    MatrixWorld w;
    const auto kp = keygen(w, "ops");
    sign_set(w, kp);
    const std::string sig = read_file(set_file(w, "adrestore-backup.json.sig"));
    write_file(set_file(w, "adrestore-backup.json.sig"), sig.substr(0, sig.size() / 2));
    write_trust_plan(w, "      - keyFile: keys/ops.pub\n");
    check_refused_untouched(w, w.run(), "adrestore-backup.json.sig is malformed");
  }
}

}  // namespace
}  // namespace adrestore::testing
