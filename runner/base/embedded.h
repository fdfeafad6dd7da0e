// Files compiled into the binary (see cmake/embed.cmake): the JSON Schemas.
#pragma once

#include <string_view>

namespace adrestore {

// The bytes of an embedded file by its source-relative path, or an empty view.
std::string_view embedded_file(std::string_view name);

}  // namespace adrestore
