// The simulated NTDS backup API: ntds::Api over a World. Behaviour follows ntds-api.md
// sections 3 and 5.3 (doc/simulator.md lists every rule, and which ones are documented and
// which inferred). Each call is one world transaction and one calls.log line.
#pragma once

#include <memory>

#include "ntds/api.h"
#include "sim/world.h"

namespace adrestore::sim {

class SimApi : public ntds::Api {
 public:
  explicit SimApi(std::shared_ptr<World> world);

  const char* backend_name() const override { return "sim"; }
  ntds::HResult is_ntds_online(const std::string& server, bool& online) override;
  ntds::HResult set_auth_identity(const std::string& user, const std::string& domain, const std::string& password) override;
  ntds::HResult backup_prepare(const std::string& server, std::uint32_t grbit, std::uint32_t bt_flag,
                               ntds::ExpiryToken& token, ntds::ApiBuffer& token_buffer, ntds::Hbc& hbc) override;
  ntds::HResult backup_get_database_names(ntds::Hbc hbc, ntds::BftList& names, ntds::ApiBuffer& buffer) override;
  ntds::HResult backup_open_file(ntds::Hbc hbc, const std::string& name, std::uint32_t read_hint,
                                 std::uint64_t& file_size) override;
  ntds::HResult backup_read(ntds::Hbc hbc, void* buffer, std::uint32_t size, std::uint32_t& bytes_read) override;
  ntds::HResult backup_close(ntds::Hbc hbc) override;
  ntds::HResult backup_get_backup_logs(ntds::Hbc hbc, ntds::BftList& logs, ntds::ApiBuffer& buffer) override;
  ntds::HResult backup_truncate_logs(ntds::Hbc hbc) override;
  ntds::HResult backup_end(ntds::Hbc hbc) override;
  void backup_free(ntds::ApiBuffer buffer) override;
  ntds::HResult restore_prepare(const std::string& server, std::uint32_t rt_flag,
                                const std::optional<ntds::ExpiryToken>& token, ntds::Hbc& hbc) override;
  ntds::HResult restore_get_database_locations(ntds::Hbc hbc, ntds::BftList& locations, ntds::ApiBuffer& buffer) override;
  ntds::HResult restore_register(ntds::Hbc hbc, const std::string& checkpoint_dir, const std::string& log_dir,
                                 const std::vector<ntds::RestoreMapEntry>& restore_map, const std::string& backup_log_dir,
                                 std::uint32_t gen_low, std::uint32_t gen_high) override;
  ntds::HResult restore_register_complete(ntds::Hbc hbc, ntds::HResult restore_state) override;
  ntds::HResult restore_end(ntds::Hbc hbc) override;

  // Why the last call returned hrError without reaching the simulated DC (the world could
  // not be read or written). Ok when the last call reached it.
  const Status& last_error() const { return m_last_error; }
  World& world() { return *m_world; }

 private:
  // Runs one call as a transaction: call faults first, then `body`; logs the line; commits.
  template <class Body>
  ntds::HResult run(ntds::Call call, CallLine& line, Body&& body);

  std::shared_ptr<World> m_world;
  Status m_last_error;
};

// The simulator's expiry token (ntds-api.md 3.3: it records the backup time and the
// tombstone lifetime; the real layout is unverified, ours is 32 bytes: magic, creation
// time, lifetime, check value).
ntds::ExpiryToken make_expiry_token(std::int64_t created_unix, std::int64_t lifetime_seconds);
struct TokenInfo {
  std::int64_t created_unix = 0;
  std::int64_t lifetime_seconds = 0;
};
std::optional<TokenInfo> read_expiry_token(const ntds::ExpiryToken& token);

}  // namespace adrestore::sim
