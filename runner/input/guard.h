// The input guard: every plan, plan test, world file and manifest that is YAML goes through
// here first. It reads at most a capped number of bytes, checks the encoding, and parses at
// the YAML event level so that anchors, aliases, tags, merge keys, complex keys, duplicate
// keys, extra documents and oversized or over-deep input are refused before any tree exists
// that could be expanded or misread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "input/diagnostic.h"
#include "input/node.h"

namespace adrestore::input {

struct GuardLimits {
  std::size_t max_bytes = 1 << 20;  // 1 MiB
  int max_depth = 32;
  std::size_t max_nodes = 10000;
  std::size_t max_scalar_bytes = 4096;
};

// Why a file could not be turned into a tree. Maps to exit codes in the CLI:
// unreadable and not_yaml are 2, rejected is 1.
enum class LoadFailure { none, unreadable, not_yaml, rejected };

struct Loaded {
  LoadFailure failure = LoadFailure::none;
  std::optional<Node> root;  // set unless failure is unreadable, not_yaml or a fatal rejection
  std::string text;          // the bytes read, for excerpts
};

// Reads a regular file of at most `max_bytes`. Directories, devices, FIFOs and larger files
// are refused without reading them (a FIFO could block forever). Messages do not name the
// path, which the caller reports the problem at (a diagnostic, or with_context). The code is
// the operating system's (not_found, access_denied, io) or usage for a file of the wrong kind.
Result<std::string> read_capped_file(const std::string& path, std::size_t max_bytes);

// Reads and parses `path`. Problems are added to `diags` (whose file name is used in them).
Loaded load_yaml_file(const std::string& path, Diagnostics& diags, const GuardLimits& limits = {});

// Parses text already in memory. Non-fatal problems (duplicate keys, control characters)
// are reported and parsing goes on so that every error in the file is reported.
Loaded parse_yaml_text(std::string text, Diagnostics& diags, const GuardLimits& limits = {});

}  // namespace adrestore::input
