// The lock holder record and its message, the same on every platform.
#include <cstdint>
#include <random>

#include <nlohmann/json.hpp>

#include "base/json_nesting.h"
#include "base/text.h"
#include "exec/lock.h"

namespace adrestore::exec {

std::string describe(const LockHolder& h) {
  if (h.pid == 0) return "another adrestore process that has not written its details yet";
  std::string s = "pid " + std::to_string(h.pid) + " on host " + escape_for_terminal(h.host);
  if (!h.started_at.empty()) s += " since " + escape_for_terminal(h.started_at);
  if (!h.nonce.empty()) s += " (run " + escape_for_terminal(h.nonce) + ")";
  return s;
}

std::string serialize_lock_holder(const LockHolder& h) {
  nlohmann::json j = {{"pid", h.pid},
                      {"host", h.host},
                      {"boot_id", h.boot_id},
                      {"started_at", h.started_at},
                      {"nonce", h.nonce}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<LockHolder> parse_lock_holder(const std::string& text) {
  // The record is flat; a deeper one is not ours (and is refused before it is parsed).
  if (text.empty() || text.size() > 4096 || !json_nests_within(text, 2)) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto str = [&j](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().size() > 256) return false;
    out = it->get<std::string>();
    return true;
  };
  LockHolder h;
  auto pid = j.find("pid");
  if (pid == j.end() || !pid->is_number_integer() || pid->get<std::int64_t>() <= 0) return std::nullopt;
  h.pid = pid->get<std::int64_t>();
  if (!str("host", h.host) || !str("boot_id", h.boot_id) || !str("started_at", h.started_at) ||
      !str("nonce", h.nonce)) {
    return std::nullopt;
  }
  return h;
}

std::string random_nonce() {
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 4; ++i) {
    std::uint32_t v = rd();
    for (int k = 0; k < 4; ++k, v >>= 4) s += hex[v & 0xF];
  }
  return s;
}

}  // namespace adrestore::exec
