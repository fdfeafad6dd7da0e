// Lets doctest print HRESULTs by name in failed checks.
#pragma once

#include <doctest/doctest.h>

#include "ntds/hresult.h"

namespace doctest {
template <>
struct StringMaker<adrestore::ntds::HResult> {
  static String convert(const adrestore::ntds::HResult& hr) { return adrestore::ntds::describe_hresult(hr).c_str(); }
};
}  // namespace doctest
