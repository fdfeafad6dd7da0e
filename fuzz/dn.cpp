// Distinguished names: the plan's RFC 4514 check (plan/validate.h), and the form ntdsutil is
// given for an authoritative restore (host/win32_host.h), which must never hold a '"'.
#include "check.h"
#include "host/win32_host.h"
#include "plan/validate.h"

using namespace adrestore;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string dn = fuzz::as_text(data, size);
  const std::string why = plan::check_distinguished_name(dn);
  FUZZ_CHECK(!why.empty() || !dn.empty());
  if (auto safe = host::ntdsutil_dn(dn)) {
    FUZZ_CHECK(safe->find('"') == std::string::npos);
    // The rewrite changes spelling only: a valid DN stays valid.
    if (why.empty()) FUZZ_CHECK(plan::check_distinguished_name(*safe).empty());
  }
  return 0;
}
