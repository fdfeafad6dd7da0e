#include "host/host.h"

#include "base/text.h"

namespace adrestore::host {

bool MachineName::matches(std::string_view name) const {
  if (name.empty()) return false;
  if (iequals(name, netbios) || iequals(name, dns_fqdn)) return true;
  const std::size_t dot = dns_fqdn.find('.');
  return dot != std::string::npos && iequals(name, std::string_view(dns_fqdn).substr(0, dot));
}

bool same_host_name(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  if (iequals(a, b)) return true;
  const bool a_short = a.find('.') == std::string_view::npos;
  const bool b_short = b.find('.') == std::string_view::npos;
  if (a_short == b_short) return false;
  const std::string_view fqdn = a_short ? b : a;
  const std::string_view netbios = a_short ? a : b;
  return iequals(fqdn.substr(0, fqdn.find('.')), netbios);
}

std::vector<std::string> MachineName::all() const {
  std::vector<std::string> out;
  if (!netbios.empty()) out.push_back(netbios);
  if (!dns_fqdn.empty()) out.push_back(dns_fqdn);
  return out;
}

bool Host::has_enabled(std::string_view name) {
  auto privs = privileges();
  if (!privs) return false;
  for (const Privilege& p : *privs) {
    if (iequals(p.name, name) && p.enabled) return true;
  }
  return false;
}

}  // namespace adrestore::host
