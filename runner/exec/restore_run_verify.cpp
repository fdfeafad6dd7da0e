// Issue 13, "safe on a real DC": restore.locations announces destination overrides that
// differ from what the DC reported and journals the directory's identity before anything
// changes; system.verify-online checks after the restart that AD DS really runs on the
// restored database (ntds-api.md 6.7: a restore resets the invocation ID, raises "DSA
// Previous Restore Count" by one and logs event 1109).
#include "base/text.h"
#include "exec/journal.h"
#include "exec/restore_run.h"

namespace adrestore::exec {
namespace {

std::string or_unknown(const std::optional<std::string>& s) { return s ? *s : std::string("unknown"); }

// The restored database's destination, as restore.locations journaled it.
std::optional<WinPath> restored_database(const RunState& st) {
  if (!st.destinations) return std::nullopt;
  for (const ResolvedDestination& d : st.destinations->destinations) {
    if (d.kind != "database") continue;
    auto p = WinPath::parse(d.destination);
    if (p) return *p;
  }
  return std::nullopt;
}

}  // namespace

void RestoreRun::warn_override_differences(const backup::Locations& reported) {
  for (const placement::OverrideDifference& d : placement::override_differences(graph::destination_policy(m_plan), reported)) {
    const std::string text = placement::describe_override_difference(d, "(DsRestoreGetDatabaseLocations)");
    record_best_effort(Note{NoteLevel::warning, text});
    warn("restore.locations", text,
         nlohmann::json{{"role", placement::to_string(d.role)},
                        {"override", d.override_dir.str()},
                        {"reported", d.reported_dir.str()}});
  }
}

void RestoreRun::capture_identity() {
  // The first capture is the one before the restore; a resumed run does not replace it.
  if (m_journal->state().identity_before) return;
  if (m_journal->format_version() < 2) {
    const std::string text = "this run's journal has format version 1 (an older adrestore started it), which has no "
                             "directory-identity record; system.verify-online will not compare the invocation ID or "
                             "the restore count with their values before the restore";
    record_best_effort(Note{NoteLevel::warning, text});
    warn("restore.locations", text);
    return;
  }
  auto id = m_env.host.directory_identity(now() * 1000);
  if (!id) {
    const std::string text = "cannot read the directory's identity before the restore (" + id.status().message() +
                             "); system.verify-online will not compare the invocation ID or the restore count";
    record_best_effort(Note{NoteLevel::warning, text});
    warn("restore.locations", text);
    return;
  }
  DirectoryIdentityRecord r;
  if (id->database) r.database = id->database->str();
  r.invocation_id = id->invocation_id;
  r.restore_count = id->restore_count;
  record_best_effort(r);
}

std::string RestoreRun::verify_restored_identity(std::string& checked) {
  const RunState& st = m_journal->state();
  const std::optional<Record>& before_rec = st.identity_before;
  const DirectoryIdentityRecord* before = before_rec ? before_rec->as<DirectoryIdentityRecord>() : nullptr;
  // Events count from the capture before the restore; without one, 1109 cannot be dated.
  const std::int64_t since_ms = before_rec ? before_rec->time_ms : now() * 1000;
  auto after = m_env.host.directory_identity(since_ms);
  if (!after) {
    return "AD DS is online, but adrestore cannot read which database it uses (" + after.status().message() +
           "); check HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters by hand";
  }
  std::vector<std::string> bad;
  std::vector<std::string> ok;
  std::vector<std::string> unchecked;

  const std::optional<WinPath> restored = restored_database(st);
  if (!restored) {
    unchecked.push_back("the database path (no restored destination in the journal)");
  } else if (!after->database) {
    unchecked.push_back("the database path (the DC does not say which database AD DS uses)");
  } else if (!after->database->equals(*restored)) {
    bad.push_back("AD DS opened the database " + after->database->str() + ", not the restored " + restored->str() +
                  ": the restore map did not relocate it, and the DC runs on the database it had before the restore");
  } else {
    ok.push_back("database " + restored->str());
  }

  if (!before) {
    unchecked.push_back("the invocation ID and the restore count (not captured before the restore)");
  } else {
    if (!before->invocation_id || !after->invocation_id) {
      unchecked.push_back("the invocation ID (not readable on this platform)");
    } else if (*before->invocation_id == *after->invocation_id) {
      bad.push_back("the DSA invocation ID is still " + *after->invocation_id +
                    ": AD DS did not treat the database as restored, and replication partners would skip its "
                    "changes (USN rollback)");
    } else {
      ok.push_back("invocation ID " + or_unknown(before->invocation_id) + " -> " + *after->invocation_id);
    }
    if (!before->restore_count || !after->restore_count) {
      unchecked.push_back("the restore count");
    } else if (*after->restore_count != *before->restore_count + 1) {
      bad.push_back("DSA Previous Restore Count is " + std::to_string(*after->restore_count) + ", not " +
                    std::to_string(*before->restore_count + 1) + " (" + std::to_string(*before->restore_count) +
                    " before the restore, plus one)");
    } else {
      ok.push_back("restore count " + std::to_string(*before->restore_count) + " -> " +
                   std::to_string(*after->restore_count));
    }
  }

  if (!before_rec) {
    unchecked.push_back("event 1109 (no capture time to search from)");
  } else if (!after->event_1109) {
    unchecked.push_back("event 1109 (the Directory Service log is not read on this platform)");
  } else if (!*after->event_1109) {
    bad.push_back("the Directory Service log has no event 1109 (invocation ID changed after a restore) since " +
                  format_utc_ms(since_ms));
  } else {
    ok.push_back("event 1109 logged");
  }

  if (!bad.empty()) {
    return "AD DS is online but not on the restored database: " + join(bad, "; ") +
           ". Do not let this DC replicate: disconnect it, boot into Directory Services Restore Mode and restore "
           "again (without destination overrides the DC does not report)";
  }
  checked = "verified: " + join(ok, ", ");
  if (!unchecked.empty()) {
    const std::string text = "system.verify-online could not check " + join(unchecked, "; ") +
                             "; confirm these on the DC by hand (doc/windows.md, \"Verified only in the simulator\")";
    record_best_effort(Note{NoteLevel::warning, text});
    warn("system.verify-online", text);
    checked += "; not checked: " + join(unchecked, "; ");
  }
  return {};
}

}  // namespace adrestore::exec
