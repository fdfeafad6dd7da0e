// A hand-written backup manifest (built in C++, not parsed: the parser is another layer's),
// used by the destination tests and the preview goldens.
#pragma once

#include "backup/manifest.h"

namespace adrestore::testing {

// DC01's nightly backup: the DIT, two logs, a patch file and edb.chk, all backed up from
// C:\Windows\NTDS, log generations 1..2.
backup::Manifest sample_manifest();

}  // namespace adrestore::testing
