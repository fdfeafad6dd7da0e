#include "drill/drill.h"

#include <ctime>

#include "backup/hash_engine.h"
#include "backup/manifest.h"
#include "base/text.h"
#include "drill/predict.h"
#include "exec/journal.h"
#include "exec/run_setup.h"
#include "host/folder_disks.h"
#include "host/overlay_disks.h"
#include "platform/remove_tree.h"
#include "sim/backend.h"
#include "sim/world_init.h"

namespace adrestore::drill {
namespace {

Result<backup::Manifest> read_manifest(platform::FileSystem& fs, const std::string& set_dir, const std::string& name) {
  const std::string path = platform::join_path(set_dir, name);
  auto text = platform::read_file(fs, path, backup::k_max_manifest_bytes);
  if (!text) return Status::error(Code::failed, "cannot read the backup set's manifest " + path + ": " + text.status().message());
  auto m = backup::parse_manifest(*text);
  if (!m) return Status::error(Code::failed, "the manifest " + path + " does not validate: " + m.status().message());
  return m;
}

// The free space of the volume `path` will be on: asked of it, or of its nearest existing parent.
Result<std::uint64_t> room_at(platform::FileSystem& fs, const std::string& path) {
  std::string probe = path;
  for (int i = 0; i < 256; ++i) {
    auto info = fs.stat(probe);
    if (!info) return info.status();
    if (info->type == platform::FileType::directory) return fs.free_bytes(probe);
    if (info->type != platform::FileType::missing) {
      return Status::error(Code::usage, "the scratch folder " + path + ": " + probe + " is not a directory");
    }
    const std::string up = platform::parent_dir(probe);
    if (up.empty() || up == probe) break;
    probe = up;
  }
  return fs.free_bytes(".");
}

// The DC as the manifest knew it: the plan's name, its database, logs and checkpoint where the
// set says they were, offline in DSRM (the run's preflight wants that), with small stand-ins.
sim::WorldOptions world_options(const plan::Plan& plan, const backup::Manifest& m) {
  sim::WorldOptions o;
  o.dc = plan.domain_controller.value;
  o.ntds_online = false;
  o.dsrm = true;
  o.ntds.database = m.locations.database_file;
  o.ntds.logs = m.locations.log_dir;
  o.ntds.checkpoint = m.locations.checkpoint_dir;
  o.database_size = k_stand_in_database_bytes;
  o.logs = 1;
  o.log_size = k_stand_in_log_bytes;
  return o;
}

// Every file of the manifest at its journaled destination, hashed whole and by chunk as
// backup.verify hashes the set: the restored bytes must be the set's.
std::vector<std::string> check_restored(host::Disks& disks, const exec::RunState& state, const backup::Manifest& m,
                                        std::atomic<bool>& cancel, std::size_t& checked) {
  std::vector<std::string> problems;
  std::vector<backup::HashTarget> targets;
  for (const backup::ManifestFile& f : m.files) {
    std::optional<WinPath> dest;
    if (state.destinations) {
      for (const exec::ResolvedDestination& d : state.destinations->destinations) {
        if (d.name == f.path) {  // restore.locations journals each file under its manifest path
          if (auto p = WinPath::parse(d.destination)) dest = *p;
        }
      }
    }
    if (!dest) {
      problems.push_back(f.path + " was not restored (no destination in the journal)");
      continue;
    }
    targets.push_back({&f, *dest});
  }
  backup::VerifyOptions vo;
  vo.cancel = &cancel;
  const backup::HashOutcome h = backup::hash_files(disks, targets, m.chunk_size, vo);
  if (h.cancelled) problems.push_back("interrupted while checking the restored files");
  for (std::size_t i = 0; i < targets.size() && i < h.problems.size(); ++i) {
    for (const backup::VerifyProblem& p : h.problems[i]) problems.push_back(targets[i].path.str() + ": " + p.message);
  }
  checked = targets.size();
  return problems;
}

}  // namespace

std::uint64_t room_needed(std::uint64_t set_bytes) { return set_bytes + k_room_margin_bytes; }

DrillResult run_drill(const plan::Plan& plan, const graph::StepGraph& graph, const DrillOptions& o, DrillEnv& env) {
  DrillResult r;
  auto manifest = read_manifest(env.fs, o.set_dir, plan.manifest_name);
  if (!manifest) {
    r.setup = manifest.status();
    return r;
  }
  std::uint64_t set_bytes = 0;
  for (const backup::ManifestFile& f : manifest->files) set_bytes += f.size;
  // The room first: a drill that cannot finish must not start writing.
  auto room = room_at(env.fs, o.scratch_dir);
  if (!room) {
    r.setup = room.status().with_context("the scratch folder " + o.scratch_dir);
    return r;
  }
  if (*room < room_needed(set_bytes)) {
    r.setup = Status::error(Code::no_space, "the scratch folder " + o.scratch_dir + " has " + format_bytes(*room) +
                                                " free; the drill needs " + format_bytes(room_needed(set_bytes)) +
                                                " (the set's " + format_bytes(set_bytes) + " and " +
                                                format_bytes(k_room_margin_bytes) + " for the simulated DC and the journal)");
    return r;
  }

  const std::string run_id = o.run_id.empty() ? exec::make_run_id(static_cast<std::int64_t>(std::time(nullptr))) : o.run_id;
  r.drill_dir = platform::join_path(o.scratch_dir, "adrestore-drill-" + run_id);
  r.state_dir = platform::join_path(r.drill_dir, "state");
  const std::string world_dir = platform::join_path(r.drill_dir, "world");
  if (auto there = env.fs.stat(r.drill_dir); !there || there->type != platform::FileType::missing) {
    r.setup = Status::error(Code::refused, r.drill_dir + " exists already; another drill uses it");
    r.drill_dir.clear();
    return r;
  }
  auto cleanup = [&] {
    Status s = platform::remove_tree(env.fs, world_dir);  // the restored bytes never stay
    if (s && !o.keep) s = platform::remove_tree(env.fs, r.drill_dir);
    r.cleanup = s;
  };
  if (Status s = platform::create_dirs(env.fs, platform::join_path(r.state_dir, "logs")); !s) {
    r.setup = s.with_context("creating the drill's folder");
    cleanup();
    return r;
  }
  auto world = sim::create_world(world_dir, world_options(plan, *manifest));
  if (!world) {
    r.setup = world.status().with_context("creating the simulated DC");
    cleanup();
    return r;
  }
  auto backend = sim::open_sim_backend(world_dir, env.fs);
  if (!backend) {
    r.setup = backend.status().with_context("opening the simulated DC");
    cleanup();
    return r;
  }
  // The plan's backup source is the real set, read-only; every other path is the simulated DC's.
  host::FolderDisks set_disks(o.set_dir, plan.backup_source.value, env.fs);
  host::OverlayDisks disks(*backend->disks, plan.backup_source.value, set_disks);
  exec::NoFaults faults;
  exec::ExecEnv ee{*backend->api, *backend->host, disks, env.observer, faults, env.cancel,
                   exec::disks_program_resolver(disks, o.path_env), nullptr, env.fs};
  ee.operator_account = env.operator_account;
  ee.system_log = env.system_log;
  exec::ExecOptions eo;
  eo.state_dir = r.state_dir;
  eo.run_id = run_id;
  eo.plan_text = o.plan_text;
  eo.api_name = "sim";
  eo.world = backend->world->dir();
  eo.skip_all_hooks = !o.run_hooks;
  r.run = exec::run_plan(plan, graph, ee, eo);
  r.ran = true;

  evidence::Drill facts;
  facts.backup_set = o.set_dir;
  facts.scratch = r.drill_dir;
  facts.hooks = o.run_hooks ? "run (--hooks run)" : "skipped (the default; --hooks run runs them)";
  facts.set_bytes = set_bytes;
  auto journal = exec::read_journal(exec::journal_path(r.state_dir), env.fs);
  const bool restored = r.run.outcome == exec::Outcome::succeeded || r.run.outcome == exec::Outcome::restarting;
  if (journal && restored) {
    facts.problems = check_restored(disks, journal->state, *manifest, env.cancel, facts.files_checked);
    r.bytes_ok = facts.problems.empty();
  } else if (!journal) {
    facts.problems.push_back("the journal cannot be read: " + journal.status().message());
  }
  if (auto report = evidence::load_report(r.state_dir, env.fs)) {  // before cleanup: it reads calls.log
    PredictOptions po;
    po.set_bytes = set_bytes;
    po.dc_bytes_per_second = o.dc_bytes_per_second;
    po.restart_ms = o.restart_ms;
    po.hooks_ran = o.run_hooks;
    predict(*report, plan, graph, po, facts);
    report->drill = std::move(facts);
    r.report = std::move(*report);
  }
  cleanup();
  return r;
}

}  // namespace adrestore::drill
