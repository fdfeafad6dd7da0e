#!/usr/bin/env bash
# scripts/windows.sh: cross-builds adrestore for 64-bit Windows with Debian's mingw-w64 and
# runs the unit tests under wine (doc/windows.md). Every phase skips what is already done,
# so a rerun costs an incremental build plus the test run. Works as root with no terminal.
#
#   bash scripts/windows.sh            everything: packages, yaml-cpp, build, tests
#   ADRESTORE_WINDOWS_SKIP_TESTS=1     build only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

deps=$root/.deps                 # git-ignored
stage=$deps/stage                # the mingw "sysroot" of our own libraries and headers
build=$root/build/mingw          # binaryDir of the mingw preset
toolchain=$root/cmake/mingw-w64-x86_64-posix.cmake
jobs=$(nproc)

phase_start=0
phase() { phase_start=$(date +%s.%N); echo "== windows: $1"; }
phase_done() {
  awk -v a="$phase_start" -v b="$(date +%s.%N)" -v n="$1" 'BEGIN { printf "== windows: %-12s %6.1f s\n", n, b - a }'
}

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

# --- 1. packages: the Linux build's dependencies (setup.sh) plus the cross compiler and wine.
phase packages
bash scripts/setup.sh
# libgcrypt-mingw-w64-dev: static libgcrypt for Ed25519 (CNG has none; doc/backup-trust.md).
packages=(g++-mingw-w64-x86-64-posix libgcrypt-mingw-w64-dev dpkg-dev wine wine64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "windows: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  # --no-install-recommends: wine's recommends are ~70 more packages (fonts, GStreamer, ...).
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
phase_done packages

# --- 2. yaml-cpp: Debian's source package (the same version as the Linux build's
# libyaml-cpp-dev), built as a static mingw library and installed into the stage.
phase yaml-cpp
if [ ! -f "$stage/lib/libyaml-cpp.a" ] || [ ! -d "$stage/lib/cmake/yaml-cpp" ]; then
  # A private deb-src configuration: the system's apt configuration stays untouched.
  mkdir -p "$deps/apt/sources.list.d" "$deps/apt/lists/partial" "$deps/src"
  cat > "$deps/apt/sources.list.d/src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt_private=(-o "Dir::Etc::SourceParts=$deps/apt/sources.list.d" -o Dir::Etc::SourceList=/dev/null
    -o "Dir::State::Lists=$deps/apt/lists" -o APT::Sandbox::User=root)
  version=$(dpkg-query -W -f='${source:Version}' libyaml-cpp-dev 2>/dev/null || true)
  src_dir=$(find "$deps/src" -maxdepth 1 -type d -name 'yaml-cpp-*' | head -n 1)
  if [ -z "$src_dir" ]; then
    apt-get "${apt_private[@]}" update -qq
    (cd "$deps/src" && apt-get "${apt_private[@]}" source -qq "yaml-cpp${version:+=$version}" >/dev/null)
    src_dir=$(find "$deps/src" -maxdepth 1 -type d -name 'yaml-cpp-*' | head -n 1)
  fi
  cmake -S "$src_dir" -B "$deps/build/yaml-cpp" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$stage" -DYAML_BUILD_SHARED_LIBS=OFF \
    -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_INSTALL=ON >/dev/null
  cmake --build "$deps/build/yaml-cpp" -- -j"$jobs" >/dev/null
  cmake --install "$deps/build/yaml-cpp" >/dev/null
fi
phase_done yaml-cpp

# --- 3. header-only libraries: only their own folders, never /usr/include itself (glibc's
# headers would shadow mingw's). cp -a keeps the time stamps, so a rerun rebuilds nothing.
phase headers
mkdir -p "$stage/include"
for d in CLI spdlog fmt doctest nlohmann; do
  [ -d "$stage/include/$d" ] || cp -a "/usr/include/$d" "$stage/include/"
done
[ -d "$stage/include/valijson" ] || cp -a "$deps/valijson/usr/include/valijson" "$stage/include/"
# nlohmann-json's CMake package is relocatable: in the stage it points at the stage's headers.
mkdir -p "$stage/share/cmake"
[ -d "$stage/share/cmake/nlohmann_json" ] || cp -a /usr/share/cmake/nlohmann_json "$stage/share/cmake/"
phase_done headers

# --- 4. the project, Release (at -O0 the test binary needs -Wa,-mbig-obj and a 100 s link).
phase build
if [ ! -f "$build/build.ninja" ]; then
  cmake --preset mingw >/dev/null
fi
cmake --build --preset mingw -- -j"$jobs"
phase_done build

if [ -n "${ADRESTORE_WINDOWS_SKIP_TESTS:-}" ]; then exit 0; fi

# --- 5. wine: a private prefix inside the build folder, headless, writing nothing to $HOME.
export WINEPREFIX=$build/wineprefix WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY
phase wine-prefix
# One persistent wineserver for the whole test run: without it every test process pays
# ~1.4 s of server and service start-up. Its services are started here, with their output
# going to a file, so that none of them holds a pipe of ctest's open (pitfall 10).
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
mkdir -p "$WINEPREFIX"
wineserver -p >"$build/wineserver.log" 2>&1
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  wine wineboot --init >"$build/wineboot.log" 2>&1
else
  wine wineboot >"$build/wineboot.log" 2>&1
fi
phase_done wine-prefix

# --- 6. the unit tests: ctest runs each suite through wine (CMAKE_CROSSCOMPILING_EMULATOR).
phase tests
rc=0
ctest --preset mingw -j"$jobs" >"$build/ctest.log" 2>&1 || rc=$?
wineserver -k >/dev/null 2>&1 || true
phase_done tests
cat "$build/ctest.log"
exit $rc
