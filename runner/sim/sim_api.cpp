// The simulated API: the shared machinery, the expiry token, DsIsNTDSOnline,
// DsSetAuthIdentity and DsBackupFree. Backup calls: sim_api_backup.cpp; restore calls:
// sim_api_restore.cpp.
#include "sim/sim_api.h"

#include <cstdio>
#include <cstring>

#include "base/text.h"
#include "platform/sha256.h"
#include "sim/sim_api_impl.h"

namespace adrestore::sim {

using ntds::HResult;

namespace {

constexpr char k_token_magic[8] = {'A', 'D', 'R', 'S', 'T', 'O', 'K', '1'};
constexpr std::size_t k_token_size = 32;

void put_i64(std::uint8_t* p, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(u >> (8 * i));
}

std::int64_t get_i64(const std::uint8_t* p) {
  std::uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return static_cast<std::int64_t>(u);
}

void token_check(const std::uint8_t* first24, std::uint8_t* out8) {
  const platform::Digest d = platform::sha256(std::string_view(reinterpret_cast<const char*>(first24), 24));
  std::memcpy(out8, d.data(), 8);
}

}  // namespace

ntds::ExpiryToken make_expiry_token(std::int64_t created_unix, std::int64_t lifetime_seconds) {
  ntds::ExpiryToken t(k_token_size);
  std::memcpy(t.data(), k_token_magic, 8);
  put_i64(t.data() + 8, created_unix);
  put_i64(t.data() + 16, lifetime_seconds);
  token_check(t.data(), t.data() + 24);
  return t;
}

std::optional<TokenInfo> read_expiry_token(const ntds::ExpiryToken& token) {
  if (token.size() != k_token_size || std::memcmp(token.data(), k_token_magic, 8) != 0) return std::nullopt;
  std::uint8_t check[8];
  token_check(token.data(), check);
  if (std::memcmp(check, token.data() + 24, 8) != 0) return std::nullopt;
  TokenInfo info{get_i64(token.data() + 8), get_i64(token.data() + 16)};
  if (info.lifetime_seconds <= 0) return std::nullopt;
  return info;
}

namespace detail {

std::string handle_text(ntds::Hbc h) { return "#" + std::to_string(h.value); }
std::string buffer_text(std::uint64_t id) { return "#" + std::to_string(id); }

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", v);
  return buf;
}

HResult check_server(const WorldState& w, const std::string& server) {
  std::string name = server;
  if (find_invalid_utf8(name)) return w32(w, ntds::k_error_invalid_parameter);
  if (starts_with(name, "\\\\")) name = name.substr(2);
  if (name.empty() || name.find('_') != std::string::npos || name.find('\\') != std::string::npos) {
    return w32(w, ntds::k_error_invalid_parameter);
  }
  if (!w.machine_name().matches(name)) return ntds::k_hr_could_not_connect;
  return ntds::k_hr_none;
}

bool privilege_enabled(const WorldState& w, const char* name) {
  for (const host::Privilege& p : w.privileges) {
    if (iequals(p.name, name) && p.enabled) return true;
  }
  return false;
}

Context* usable_context(Transaction& tx, ntds::Hbc h, CallLine& line, HResult& err) {
  err = ntds::k_hr_invalid_handle;
  Context* c = h.is_null() ? nullptr : tx.state().find_context(h.value);
  std::string why;
  if (!c) {
    why = "unknown";
  } else if (!c->ended.empty()) {
    why = c->ended == "process exited" ? "owner-exited" : c->ended == "restart" ? "restarted" : "ended";
  } else if (!tx.is_mine(c->owner)) {
    why = "other-process";  // a handle is a pointer into its own process
  }
  if (!why.empty()) {
    line.out("why", why);
    return nullptr;
  }
  err = ntds::k_hr_none;
  return c;
}

bool all_utf8(std::initializer_list<const std::string*> texts) {
  for (const std::string* t : texts) {
    if (find_invalid_utf8(*t)) return false;
  }
  return true;
}

bool room_for_context(const WorldState& w) {
  std::size_t open = 0;
  for (const Context& c : w.contexts) open += c.ended.empty() ? 1 : 0;
  return open < k_max_open_contexts;
}

std::uint64_t allocate_buffer(Transaction& tx, ntds::Call call, std::uint64_t bytes) {
  WorldState& w = tx.state();
  const std::uint64_t id = w.next_id++;
  w.buffers.push_back({id, ntds::call_name(call), bytes, tx.me()});
  return id;
}

std::string reported_path(const WorldState& w, const WinPath& p) {
  if (!w.unc_paths || p.root() != WinPath::Root::drive) return p.str();
  std::string out = "\\\\" + w.machine_name().netbios + "\\" + std::string(1, p.drive()) + "$";
  for (const std::string& s : p.segments()) out += "\\" + s;
  return out;
}

Result<WinPath> local_path(const WorldState& w, const std::string& reported) {
  auto p = WinPath::parse(reported);
  if (!p) return p.status();
  return ntds::local_form(*p, w.machine_name().all());
}

HResult return_list(Transaction& tx, ntds::Call call, const ntds::BftList& list, ntds::BftList& out, std::uint64_t& buffer,
                    CallLine& line) {
  if (!room_for_buffer(tx.state())) return w32(tx.state(), ntds::k_error_not_enough_memory);
  const std::string raw = ntds::format_bft_list(list);
  auto parsed = ntds::parse_bft_list(raw);
  if (!parsed) return ntds::k_hr_error;  // cannot happen for a list we built; stay safe anyway
  out = std::move(*parsed);
  buffer = allocate_buffer(tx, call, raw.size());
  line.out("entries", std::to_string(out.size())).out("buffer", buffer_text(buffer));
  return ntds::k_hr_none;
}

}  // namespace detail

using namespace detail;

namespace {

bool owned_by_other(const WorldState& w, std::uint64_t id) {
  for (const Buffer& b : w.buffers) {
    if (b.id == id) return true;  // live, and not ours (ours was freed above)
  }
  return false;
}

}  // namespace

SimApi::SimApi(std::shared_ptr<World> world) : m_world(std::move(world)) {}

HResult SimApi::is_ntds_online(const std::string& server, bool& online) {
  online = false;
  bool result = false;
  CallLine line("DsIsNTDSOnline");
  line.arg("server", server);
  const HResult hr = run(ntds::Call::is_ntds_online, line, [&](Transaction& tx) {
    const HResult s = check_server(tx.state(), server);
    if (!s.ok()) return s;
    result = tx.state().ntds_online;
    line.out("online", result ? "true" : "false");
    return ntds::k_hr_none;
  });
  if (hr.ok()) online = result;
  return hr;
}

HResult SimApi::set_auth_identity(const std::string& user, const std::string& domain, const std::string& password) {
  CallLine line("DsSetAuthIdentity");
  line.arg("user", user).arg("domain", domain).arg("password", password.empty() ? "empty" : "set");
  return run(ntds::Call::set_auth_identity, line, [&](Transaction& tx) {
    if (user.size() > k_max_account_name || domain.size() > k_max_account_name || !all_utf8({&user, &domain, &password})) {
      return w32(tx.state(), ntds::k_error_invalid_parameter);
    }
    // Process-global, as documented; an empty user returns to the process's own context.
    if (user.empty()) {
      tx.state().auth_identity.reset();
    } else {
      tx.state().auth_identity = AuthIdentity{user, domain, tx.me()};
    }
    return ntds::k_hr_none;
  });
}

void SimApi::backup_free(ntds::ApiBuffer buffer) {
  CallLine line("DsBackupFree");
  line.arg("buffer", buffer_text(buffer.id));
  auto tx = m_world->begin();
  if (!tx) {
    m_last_error = tx.status();
    return;
  }
  Transaction& t = **tx;
  WorldState& w = t.state();
  ++w.counters.calls;
  bool freed = false;
  for (auto it = w.buffers.begin(); it != w.buffers.end(); ++it) {
    if (it->id == buffer.id && t.is_mine(it->owner)) {
      w.buffers.erase(it);
      freed = true;
      break;
    }
  }
  if (!freed) {
    if (buffer.id == 0) {
      line.out("error", "null");  // DsBackupFree(NULL): allowed, like free(NULL)
    } else if (buffer.id < w.next_id && !w.find_context(buffer.id) && !owned_by_other(w, buffer.id)) {
      // Ids are never reused, so a past buffer id that is no longer live was freed already.
      ++w.counters.double_frees;
      line.out("error", "double-free");
    } else {
      ++w.counters.invalid_frees;
      line.out("error", "invalid-free");
    }
  }
  line.out("pid", std::to_string(t.me().pid));
  t.log(line.finish_void());
  Status s = t.commit();
  m_last_error = s;
}

}  // namespace adrestore::sim
