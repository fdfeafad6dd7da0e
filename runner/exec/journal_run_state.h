// The journal seen as a RunState (exec/run_state.h), the shape resume and status decide on.
#pragma once

#include <string>

#include "exec/journal.h"
#include "exec/run_state.h"

namespace adrestore::exec {

// Folds a checked journal into a RunState. Step outcomes map to StepStatus: succeeded ->
// succeeded, skipped -> skipped, failed/refused/interrupted -> failed; a step that was
// running when its process died stays `running` (resume decides what to do with it).
RunState run_state_from_journal(const JournalContents& journal);

// One line per destination, "kind name -> destination", in the journaled order, with paths
// lower-cased: resume compares the text of the journaled and the newly resolved ones.
std::string canonical_destinations(const DestinationsResolved& d);

}  // namespace adrestore::exec
