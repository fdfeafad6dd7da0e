#include "platform/key_files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "base/time.h"
#include "platform/sha256.h"

namespace adrestore::platform {
namespace {

Status bad(const std::string& why) { return Status::error(Code::invalid_input, why); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status check_header(const std::map<std::string, std::string>& m, const char* format) {
  if (m.at("format") != format) return bad("format is '" + m.at("format") + "', expected '" + format + "'");
  if (m.at("algorithm") != k_ed25519_name) return bad("algorithm '" + m.at("algorithm") + "' is not supported (only ed25519)");
  return Status::ok();
}

}  // namespace

std::string hex_encode(const std::uint8_t* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

bool hex_decode(std::string_view hex, std::uint8_t* out, std::size_t size) {
  if (hex.size() != size * 2) return false;
  for (std::size_t i = 0; i < size; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

std::string key_fingerprint(const Ed25519PublicKey& key) {
  return to_hex(sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())));
}

std::optional<std::string> normalize_fingerprint(std::string_view text) {
  Digest d{};
  if (!from_hex(text, d)) return std::nullopt;
  return to_hex(d);
}

Result<std::int64_t> parse_expiry_date(std::string_view s) {
  auto digits = [&](std::size_t from, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
    return bad("'" + std::string(s.substr(0, 40)) + "' is not a date (use YYYY-MM-DD, e.g. 2027-06-30)");
  }
  const int y = digits(0, 4);
  const int m = digits(5, 2);
  const int d = digits(8, 2);
  if (y < 1970 || m < 1 || m > 12 || d < 1) return bad("'" + std::string(s) + "' is not a date (use YYYY-MM-DD)");
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  const CivilDate back = civil_from_days(days);
  if (back.month != static_cast<unsigned>(m) || back.day != static_cast<unsigned>(d)) {
    return bad("'" + std::string(s) + "' is not a date of the calendar");
  }
  return days * 86400;
}

std::string format_expiry_date(std::int64_t unix_seconds) { return format_rfc3339_utc(unix_seconds).substr(0, 10); }

Result<std::map<std::string, std::string>> parse_flat_object(std::string_view text, std::size_t max_bytes,
                                                             const std::vector<std::string>& required,
                                                             const std::vector<std::string>& optional) {
  if (text.size() > max_bytes) {
    return bad("the file has " + std::to_string(text.size()) + " bytes; at most " + std::to_string(max_bytes) +
               " are allowed");
  }
  // Depth and repeated members are caught while parsing, before any tree is built from them.
  std::set<std::string> seen;
  std::string problem;
  auto cb = [&](int depth, nlohmann::json::parse_event_t ev, nlohmann::json& parsed) {
    if (depth > 1 && problem.empty()) problem = "members must be strings, not objects or lists";
    if (ev == nlohmann::json::parse_event_t::key && depth == 1 && !seen.insert(parsed.get<std::string>()).second &&
        problem.empty()) {
      problem = "the member '" + parsed.get<std::string>() + "' appears twice";
    }
    return problem.empty();
  };
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), cb, false);
  if (!problem.empty()) return bad(problem);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object (truncated or damaged?)");
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : j.items()) {
    const bool known = std::find(required.begin(), required.end(), k) != required.end() ||
                       std::find(optional.begin(), optional.end(), k) != optional.end();
    if (!known) return bad("unknown member '" + k.substr(0, 40) + "'");
    const std::string* s = v.get_ptr<const std::string*>();
    if (!s) return bad("the member '" + k + "' is not a string");
    out[k] = *s;
  }
  for (const std::string& k : required) {
    if (!out.count(k)) return bad("the member '" + k + "' is missing (truncated?)");
  }
  return out;
}

std::string format_public_key_file(const PublicKeyFile& f) {
  nlohmann::ordered_json j;
  j["format"] = k_public_key_format;
  j["algorithm"] = k_ed25519_name;
  j["publicKey"] = hex_encode(f.key.data(), f.key.size());
  j["fingerprint"] = key_fingerprint(f.key);
  if (f.expires_unix) j["expires"] = format_expiry_date(*f.expires_unix);
  return j.dump(2) + "\n";
}

Result<PublicKeyFile> parse_public_key_file(std::string_view text) {
  auto m = parse_flat_object(text, k_max_key_file_bytes, {"format", "algorithm", "publicKey", "fingerprint"}, {"expires"});
  if (!m) return m.status();
  if (Status s = check_header(*m, k_public_key_format); !s) return s;
  PublicKeyFile f;
  if (!hex_decode((*m)["publicKey"], f.key.data(), f.key.size())) return bad("publicKey is not 64 hex digits");
  f.fingerprint = key_fingerprint(f.key);
  if (normalize_fingerprint((*m)["fingerprint"]) != f.fingerprint) {
    return bad("the fingerprint does not match the public key (the file was edited)");
  }
  if (m->count("expires")) {
    auto e = parse_expiry_date((*m)["expires"]);
    if (!e) return e.status().with_context("expires");
    f.expires_unix = *e;
  }
  return f;
}

std::string format_private_key_file(const Ed25519KeyPair& kp) {
  nlohmann::ordered_json j;
  j["format"] = k_private_key_format;
  j["algorithm"] = k_ed25519_name;
  j["privateKey"] = hex_encode(kp.seed.data(), kp.seed.size());
  j["fingerprint"] = key_fingerprint(kp.public_key);
  return j.dump(2) + "\n";
}

Result<Ed25519KeyPair> parse_private_key_file(std::string_view text) {
  auto m = parse_flat_object(text, k_max_key_file_bytes, {"format", "algorithm", "privateKey", "fingerprint"});
  if (!m) return m.status();
  if (Status s = check_header(*m, k_private_key_format); !s) return s;
  Ed25519KeyPair kp;
  if (!hex_decode((*m)["privateKey"], kp.seed.data(), kp.seed.size())) return bad("privateKey is not 64 hex digits");
  auto pub = ed25519_public_key(kp.seed);
  if (!pub) return pub.status();
  kp.public_key = *pub;
  if (normalize_fingerprint((*m)["fingerprint"]) != key_fingerprint(kp.public_key)) {
    return bad("the fingerprint does not match the private key (the file was edited)");
  }
  return kp;
}

}  // namespace adrestore::platform
