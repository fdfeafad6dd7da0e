// `adrestore plan FOREST.yaml`: the waves, each first DC's steps, the barrier and what is
// left for the operator, for people.
#include <sstream>

#include "base/duration.h"
#include "base/text.h"
#include "forest/render.h"

namespace adrestore::forest {
namespace {

void write_step(std::ostream& out, std::size_t number, const ForestStep& s) {
  out << "    " << number << ". " << s.id << ": " << s.what;
  if (!s.targets.empty()) out << " [" << join(s.targets, ", ") << "]";
  out << "\n";
}

}  // namespace

std::string render_text(const CompiledForest& c) {
  std::ostringstream out;
  out << "Forest recovery plan " << c.name << " (" << c.file << ")\n";
  out << "  forest root " << c.root << ", " << c.domains.size() << (c.domains.size() == 1 ? " domain" : " domains")
      << " in " << c.wave_count << (c.wave_count == 1 ? " wave" : " waves") << "; breach: "
      << (c.breach ? "yes (admin and trust passwords are reset)" : "no")
      << "; tombstone lifetime " << format_duration(c.tombstone_seconds) << "\n";
  for (int wave = 0; wave < c.wave_count; ++wave) {
    std::vector<const DomainWork*> in_wave;
    for (const DomainWork& d : c.domains) {
      if (d.wave == wave) in_wave.push_back(&d);
    }
    out << "\nWave " << wave + 1;
    if (wave == 0) {
      out << ": the forest root\n";
    } else {
      out << ": each domain starts when its parent's first DC has done " << k_child_waits_for
          << (in_wave.size() > 1 ? "; these run in parallel\n" : "\n");
    }
    for (const DomainWork* d : in_wave) {
      out << "  " << d->domain << " (first DC " << d->dc << ", RestorePlan " << d->plan_name << ")";
      if (!d->parent.empty()) out << ", after " << d->parent << " " << k_child_waits_for;
      out << "\n";
      for (std::size_t i = 0; i < d->steps.size(); ++i) {
        write_step(out, i + 1, d->steps[i]);
        if (d->steps[i].wait_seconds > 0) {
          out << "       timed wait: " << format_duration(d->steps[i].wait_seconds)
              << " between the two resets; status says when the second may run\n";
        }
      }
    }
  }
  out << "\nForest-wide barrier, after every domain's steps:\n";
  for (std::size_t i = 0; i < c.barrier.size(); ++i) {
    out << "    " << i + 1 << ". " << c.barrier[i].id << " (" << c.barrier[i].where << "): " << c.barrier[i].what << "\n";
  }
  out << "\nLeft for the operator (not run by adrestore):\n";
  for (const std::string& item : c.left_for_operator) out << "  - " << item << "\n";
  return out.str();
}

}  // namespace adrestore::forest
