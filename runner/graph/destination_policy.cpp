#include "graph/destination_policy.h"

namespace adrestore::graph {

DestinationPolicy destination_policy(const plan::Plan& plan) {
  DestinationPolicy p;
  if (plan.dest_database) p.database = plan.dest_database->value;
  if (plan.dest_logs) p.logs = plan.dest_logs->value;
  if (plan.dest_checkpoint) p.checkpoint = plan.dest_checkpoint->value;
  p.on_locations_failure = plan.on_locations_failure;
  p.existing_files = plan.existing_files;
  if (plan.quarantine) p.quarantine = plan.quarantine->value;
  p.backup_source = plan.backup_source.value;
  return p;
}

}  // namespace adrestore::graph
