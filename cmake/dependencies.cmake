# All third-party code comes from Debian packages (scripts/setup.sh installs them).
# valijson's headers are unpacked from libvalijson-dev into ADRESTORE_DEPS_DIR, because
# installing that package pulls in Qt and Poco.
# Cross builds (mingw-w64, scripts/windows.sh) find yaml-cpp's CMake package and the header-only
# libraries in a staging prefix, the only place besides mingw's sysroot that they search.
set(ADRESTORE_STAGE_PREFIX "" CACHE PATH "Staging prefix of a cross build's dependencies")
if(ADRESTORE_STAGE_PREFIX)
  list(APPEND CMAKE_FIND_ROOT_PATH ${ADRESTORE_STAGE_PREFIX})
endif()
find_package(yaml-cpp REQUIRED CONFIG)
find_package(nlohmann_json REQUIRED)
find_package(Threads REQUIRED)

find_path(VALIJSON_INCLUDE_DIR valijson/validator.hpp
  HINTS ${ADRESTORE_DEPS_DIR}/valijson/usr/include ${ADRESTORE_DEPS_DIR}/stage/include)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp)
find_path(SPDLOG_INCLUDE_DIR spdlog/spdlog.h)
find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h)
foreach(dir VALIJSON_INCLUDE_DIR CLI11_INCLUDE_DIR SPDLOG_INCLUDE_DIR)
  if(NOT ${dir})
    message(FATAL_ERROR "${dir} not found: run scripts/setup.sh first")
  endif()
endforeach()

add_library(adrestore_deps INTERFACE)
target_include_directories(adrestore_deps SYSTEM INTERFACE
  ${VALIJSON_INCLUDE_DIR} ${CLI11_INCLUDE_DIR} ${SPDLOG_INCLUDE_DIR})
target_link_libraries(adrestore_deps INTERFACE nlohmann_json::nlohmann_json Threads::Threads)
if(TARGET yaml-cpp::yaml-cpp)
  target_link_libraries(adrestore_deps INTERFACE yaml-cpp::yaml-cpp)
else()
  target_link_libraries(adrestore_deps INTERFACE yaml-cpp)
endif()

if(WIN32)
  target_compile_definitions(adrestore_deps INTERFACE SPDLOG_WCHAR_FILENAMES
    UNICODE _UNICODE WIN32_LEAN_AND_MEAN NOMINMAX _WIN32_WINNT=0x0601)
  target_link_libraries(adrestore_deps INTERFACE bcrypt)
  # Ed25519 (platform/ed25519_win32.cpp; CNG has none): libgcrypt and its libgpg-error.
  # mingw links them by name, so -static below takes the static libgcrypt.a and
  # libgpg-error.a (Debian's libgcrypt-mingw-w64-dev); MSVC finds vcpkg's shiftmedia-libgcrypt.
  if(MINGW)
    target_link_libraries(adrestore_deps INTERFACE gcrypt gpg-error ws2_32)  # gpg-error logs to sockets
  else()
    find_path(GCRYPT_INCLUDE_DIR gcrypt.h REQUIRED)
    find_library(GCRYPT_LIBRARY NAMES gcrypt libgcrypt REQUIRED)
    find_library(GPG_ERROR_LIBRARY NAMES gpg-error libgpg-error REQUIRED)
    target_include_directories(adrestore_deps INTERFACE ${GCRYPT_INCLUDE_DIR})
    target_link_libraries(adrestore_deps INTERFACE ${GCRYPT_LIBRARY} ${GPG_ERROR_LIBRARY})
  endif()
else()
  find_package(OpenSSL REQUIRED COMPONENTS Crypto)
  target_link_libraries(adrestore_deps INTERFACE OpenSSL::Crypto)
endif()

if(MINGW)
  # The stage has headers only: spdlog and fmt header-only (there is no mingw libfmt).
  # -static: the exe then imports only system DLLs (else wine exits silently with code 53).
  # -mbig-obj: header-heavy test files pass COFF's section limit at low optimisation.
  target_compile_definitions(adrestore_deps INTERFACE FMT_HEADER_ONLY)
  target_compile_options(adrestore_deps INTERFACE -Wa,-mbig-obj)
  target_link_options(adrestore_deps INTERFACE -static)
else()
  # Debian's packages, or vcpkg's (vcpkg.json; spdlog with its "wchar" feature on Windows).
  find_package(fmt REQUIRED)
  find_package(spdlog REQUIRED)
  target_link_libraries(adrestore_deps INTERFACE fmt::fmt spdlog::spdlog)
endif()
if(MSVC)
  target_compile_options(adrestore_deps INTERFACE /bigobj /utf-8)
  target_compile_definitions(adrestore_deps INTERFACE _CRT_SECURE_NO_WARNINGS)
endif()
