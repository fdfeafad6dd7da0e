#include "exec/observer.h"

namespace adrestore::exec {
namespace {

struct TypeName {
  EventType type;
  const char* name;
};
constexpr TypeName k_type_names[] = {
    {EventType::run_started, "run-started"},     {EventType::step_started, "step-started"},
    {EventType::step_finished, "step-finished"}, {EventType::hook_finished, "hook-finished"},
    {EventType::file_done, "file-done"},         {EventType::run_finished, "run-finished"},
    {EventType::warning, "warning"},
};

struct OutcomeName {
  EventOutcome outcome;
  const char* name;
};
constexpr OutcomeName k_outcome_names[] = {
    {EventOutcome::none, ""},           {EventOutcome::succeeded, "succeeded"},
    {EventOutcome::failed, "failed"},   {EventOutcome::skipped, "skipped"},
    {EventOutcome::refused, "refused"}, {EventOutcome::interrupted, "interrupted"},
    {EventOutcome::restarting, "restarting"}, {EventOutcome::timed_out, "timed-out"},
    {EventOutcome::cancelled, "cancelled"},   {EventOutcome::spawn_failed, "spawn-failed"},
};

}  // namespace

const char* to_string(EventType t) {
  for (const TypeName& n : k_type_names) {
    if (n.type == t) return n.name;
  }
  return "?";
}

const char* to_string(EventOutcome o) {
  for (const OutcomeName& n : k_outcome_names) {
    if (n.outcome == o) return n.name;
  }
  return "?";
}

}  // namespace adrestore::exec
