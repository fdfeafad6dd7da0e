#!/usr/bin/env bash
# Installs what adrestore needs on Debian 12, and nothing twice: packages already present
# are skipped, so a rerun takes well under a second. Runs as root or through sudo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(g++ cmake ninja-build pkg-config
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev doctest-dev nlohmann-json3-dev libssl-dev
  libxml2-utils
  chromium  # the report's browser test (ctest report-browser): headless Chromium renders the HTML report
  clang libclang-rt-14-dev  # the fuzz targets (scripts/fuzz.sh): clang-14 and its libFuzzer runtime
  ansible-core ansible-lint ansible  # ctest ansible-fleet: the adrestore.dc collection; `ansible` brings ansible.windows
  ${ADRESTORE_EXTRA_PACKAGES:-})

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# valijson: headers only. The Debian package depends on Qt and Poco (for adapters we do not
# use), so unpack its files instead of installing it.
vj="$root/.deps/valijson"
if [ ! -f "$vj/usr/include/valijson/validator.hpp" ]; then
  echo "setup: unpacking libvalijson-dev headers into .deps/valijson"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download libvalijson-dev >/dev/null 2>&1 || { "${sudo_cmd[@]}" apt-get update -qq && apt-get download libvalijson-dev >/dev/null; })
  mkdir -p "$vj"
  dpkg -x "$tmp"/libvalijson-dev_*.deb "$vj"
  rm -rf "$tmp"
fi
