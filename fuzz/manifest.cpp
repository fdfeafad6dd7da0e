// The backup set's manifest (adrestore-backup.json). A manifest the reader accepts must
// serialize to text that it reads back to the same manifest.
#include "backup/manifest.h"
#include "check.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::as_text(data, size);
  backup::ManifestParse parsed = backup::parse_manifest_diagnostics(text, "fuzz.json");
  FUZZ_CHECK(parsed.manifest.has_value() != parsed.diags.has_errors());
  if (!parsed.manifest) return 0;
  (void)backup::expiry_token_bytes(*parsed.manifest);
  const std::string once = backup::serialize_manifest(*parsed.manifest);
  auto again = backup::parse_manifest(once);
  if (!again) std::fprintf(stderr, "%s\n", again.status().message().c_str());
  FUZZ_CHECK(again.is_ok());
  FUZZ_CHECK(backup::serialize_manifest(*again) == once);
  return 0;
}
