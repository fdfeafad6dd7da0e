// wp("E:\\NTDS"): a WinPath written in a test, failing the test when the text does not parse.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "base/winpath.h"

namespace adrestore::testing {

inline WinPath wp(const std::string& s) {
  auto p = WinPath::parse(s);
  REQUIRE_MESSAGE(p, s);
  return *p;
}

}  // namespace adrestore::testing
