#include "graph/render_util.h"

#include "base/text.h"

namespace adrestore::graph::detail {

std::string api_text(const ApiCall& call) {
  std::vector<std::string> args;
  for (const Arg& a : call.args) args.push_back(a.name + "=" + (a.known ? a.value : "<" + a.value + ">"));
  return call.function + "(" + join(args, ", ") + ")";
}

std::string class_text(const Step& s) {
  if (s.step_class == StepClass::finaliser) {
    return std::string("finaliser: runs whenever ") + s.guard + " succeeded in this process";
  }
  if (s.kind == StepKind::pre_hook) return "pre hook";
  if (s.kind == StepKind::post_hook) {
    return std::string("post hook, when ") + (s.hook ? plan::to_string(s.hook->when) : "?");
  }
  return to_string(s.step_class);
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

nlohmann::ordered_json json_path(const std::optional<WinPath>& p) {
  return p ? nlohmann::ordered_json(p->str()) : nlohmann::ordered_json(nullptr);
}

}  // namespace adrestore::graph::detail
