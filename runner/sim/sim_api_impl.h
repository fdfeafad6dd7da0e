// Private to sim_api*.cpp: the per-call machinery and the checks every call shares.
#pragma once

#include <string>

#include "sim/sim_api.h"

namespace adrestore::sim {

template <class Body>
ntds::HResult SimApi::run(ntds::Call call, CallLine& line, Body&& body) {
  auto tx = m_world->begin();
  if (!tx) {
    m_last_error = tx.status();
    return ntds::k_hr_error;
  }
  Transaction& t = **tx;
  ++t.state().counters.calls;
  ntds::HResult hr;
  if (auto injected = next_call_fault(t.state().faults, call)) {
    hr = *injected;
    line.note("fault");
  } else {
    hr = body(t);
  }
  line.out("pid", std::to_string(t.me().pid));
  t.log(line.finish(hr));
  if (Status s = t.commit(); !s) {
    m_last_error = s;
    return ntds::k_hr_error;
  }
  m_last_error = Status::ok();
  return hr;
}

namespace detail {

// A Win32 error in the world's chosen form (raw or HRESULT_FROM_WIN32).
inline ntds::HResult w32(const WorldState& w, std::uint32_t code) { return ntds::win32_error(code, w.win32_errors); }

std::string handle_text(ntds::Hbc h);
std::string buffer_text(std::uint64_t id);
std::string hex32(std::uint32_t v);

// The server-name rules of ntds-api.md section 1: leading backslashes optional, no
// underscore, and it must be this DC.
ntds::HResult check_server(const WorldState& w, const std::string& server);

bool privilege_enabled(const WorldState& w, const char* name);

// The context behind `h` if this process may use it now; else nullptr, with `err` set to
// hrInvalidHandle and the reason noted on the line (unknown, ended, owner exited...).
Context* usable_context(Transaction& tx, ntds::Hbc h, CallLine& line, ntds::HResult& err);

// True when every string is valid UTF-8 (the win32 backend could not convert it to UTF-16
// otherwise, and world.json must stay valid JSON).
bool all_utf8(std::initializer_list<const std::string*> texts);

// True when one more context may be opened (k_max_open_contexts).
bool room_for_context(const WorldState& w);
// True when one more buffer may be handed out (k_max_buffers).
inline bool room_for_buffer(const WorldState& w) { return w.buffers.size() < k_max_buffers; }

// Records a buffer the caller must free; returns its id.
std::uint64_t allocate_buffer(Transaction& tx, ntds::Call call, std::uint64_t bytes);

// A path as the API reports it: as configured, or \\DC\X$\... when the world says uncPaths.
std::string reported_path(const WorldState& w, const WinPath& p);
// A reported path back to a path on the DC's disks (undoes the administrative-share form).
Result<WinPath> local_path(const WorldState& w, const std::string& reported);

// Builds a list, runs it through the C API's double-NUL format and back (as a caller of
// the real API would), and records the buffer.
ntds::HResult return_list(Transaction& tx, ntds::Call call, const ntds::BftList& list, ntds::BftList& out,
                          std::uint64_t& buffer, CallLine& line);

}  // namespace detail
}  // namespace adrestore::sim
