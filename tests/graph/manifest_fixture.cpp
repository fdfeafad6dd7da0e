#include "graph/manifest_fixture.h"

namespace adrestore::testing {
namespace {

backup::ManifestFile file(const char* path, backup::FileKind kind, const char* original, std::uint64_t size,
                          char hex) {
  backup::ManifestFile f;
  f.path = path;
  f.kind = kind;
  f.original = *WinPath::parse(original);
  f.size = size;
  f.sha256 = std::string(64, hex);
  return f;
}

}  // namespace

backup::Manifest sample_manifest() {
  backup::Manifest m;
  m.dc = "DC01.corp.example.com";
  m.created_at = "2026-11-20T02:00:00Z";
  m.created_at_unix = 1795140000;
  m.expiry_token_base64 = "dG9rZW4=";
  m.gen_low = 1;
  m.gen_high = 2;
  m.locations.database_file = *WinPath::parse("C:\\Windows\\NTDS\\ntds.dit");
  m.locations.log_dir = *WinPath::parse("C:\\Windows\\NTDS");
  m.locations.checkpoint_dir = *WinPath::parse("C:\\Windows\\NTDS");
  m.files = {
      file("Active Directory/ntds.dit", backup::FileKind::database, "C:\\Windows\\NTDS\\ntds.dit", 64ULL << 20, 'a'),
      file("logs/edb00001.log", backup::FileKind::log, "C:\\Windows\\NTDS\\edb00001.log", 10ULL << 20, 'b'),
      file("logs/edb00002.log", backup::FileKind::log, "C:\\Windows\\NTDS\\edb00002.log", 10ULL << 20, 'c'),
      file("ntds.pat", backup::FileKind::patch, "C:\\Windows\\NTDS\\ntds.pat", 8192, 'd'),
      file("edb.chk", backup::FileKind::checkpoint, "C:\\Windows\\NTDS\\edb.chk", 8192, 'e'),
  };
  return m;
}

}  // namespace adrestore::testing
