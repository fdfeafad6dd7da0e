// UTF-8 <-> UTF-16 without the operating system, so that the conversions at the Win32
// boundary (the ntdsbcli W functions, the stand-in DLL) are the same code on every platform
// and are unit-tested on Linux too. Both directions are strict: malformed input is an error,
// never a guess, because a path that does not round-trip names a different file.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace adrestore {

// UTF-8 -> UTF-16. Fails (Code::invalid_input) on malformed UTF-8 (overlong forms,
// surrogates, truncated sequences), naming the byte offset.
Result<std::u16string> utf8_to_utf16(std::string_view utf8);
// UTF-16 -> UTF-8. Fails (Code::invalid_input) on an unpaired surrogate, naming the unit.
Result<std::string> utf16_to_utf8(std::u16string_view utf16);

}  // namespace adrestore
