#include "plan/model.h"

namespace adrestore::plan {

const char* to_string(LocationsFailure v) { return v == LocationsFailure::original ? "original" : "fail"; }
const char* to_string(ExistingFiles v) { return v == ExistingFiles::quarantine ? "quarantine" : "delete"; }
const char* to_string(OnError v) { return v == OnError::fail ? "fail" : "continue"; }
const char* to_string(When v) {
  switch (v) {
    case When::success:
      return "success";
    case When::failure:
      return "failure";
    case When::always:
      return "always";
  }
  return "always";
}
const char* to_string(Restart v) { return v == Restart::none ? "none" : "normal-mode"; }
const char* to_string(HookPhase v) { return v == HookPhase::pre ? "pre" : "post"; }

const Hook* Plan::find_hook(const std::string& hook_name) const {
  for (const auto* list : {&pre_hooks, &post_hooks}) {
    for (const Hook& h : *list) {
      if (h.name.value == hook_name) return &h;
    }
  }
  return nullptr;
}

std::optional<std::vector<platform::TrustedKey>> Plan::trusted_keys() const {
  if (!backup_trust) return std::nullopt;
  std::vector<platform::TrustedKey> out;
  for (const TrustEntry& e : *backup_trust) out.push_back(e.key);
  return out;
}

}  // namespace adrestore::plan
