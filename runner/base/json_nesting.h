// How deep JSON text nests, found without parsing it. nlohmann's parser is iterative, but
// what walks the parsed value afterwards (tree conversion, schema checks, destructors of
// hand-written trees) recurses, so hostile text must be refused by depth before that.
#pragma once

#include <cstddef>
#include <string_view>

namespace adrestore {

// True when no object or array in `text` lies more than `max_depth` levels deep. Brackets
// inside strings do not count; the text need not be valid JSON.
bool json_nests_within(std::string_view text, std::size_t max_depth);

}  // namespace adrestore
