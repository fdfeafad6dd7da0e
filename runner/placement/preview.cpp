#include "placement/preview.h"

namespace adrestore::placement {

void preview_files(const graph::StepGraph& graph, const PreviewInputs& inputs, FilesPreview& out) {
  out.manifest = inputs.manifest ? inputs.manifest : &out.empty_manifest;
  const DestinationPolicy& policy = graph.summary.destinations;
  if (inputs.manifest) out.override_differences = override_differences(policy, inputs.manifest->locations);
  Result<Resolution> res = resolve_destinations(*out.manifest, inputs.locations, policy);
  if (!res) {
    out.resolve_error = res.status();
    return;
  }
  out.resolution = std::move(*res);
  Result<std::vector<ClearAction>> clear = plan_clear(*out.resolution, policy, inputs.existing, inputs.run_id);
  if (clear) {
    out.clear = std::move(*clear);
  } else {
    out.clear_error = clear.status();
  }
  for (const WinPath& d : out.resolution->directories) {
    bool listed = false;
    for (const DirListing& l : inputs.existing) listed = listed || l.dir.equals(d);
    if (!listed) out.unlisted_dirs.push_back(d);
  }
}

}  // namespace adrestore::placement
