// files.clear and files.copy (steps 10 and 11): the file restore, journaled file by file and
// chunk by chunk so that resume continues exactly where the previous process stopped.
#include "base/text.h"
#include "exec/file_clear.h"
#include "exec/file_copy.h"
#include "exec/restore_run.h"

namespace adrestore::exec {

ClearOptions RestoreRun::clear_options() const {
  ClearOptions co;
  co.action = m_plan.existing_files == plan::ExistingFiles::remove ? ClearAction::remove : ClearAction::quarantine;
  if (m_plan.quarantine) co.quarantine_root = m_plan.quarantine->value;
  co.run_id = m_run_id;
  co.already_cleared = m_journal->state().cleared;
  co.cancel = &m_env.cancel;
  return co;
}

RestoreRun::StepResult RestoreRun::files_clear() {
  const ClearOptions co = clear_options();
  auto report = clear_destinations(m_env.disks, m_resolution->directories, co,
                                   [&](const FileCleared& rec) { return record(rec); });
  if (!report) {
    if (report.status().code() == Code::interrupted) return StepResult::interrupted(report.status().message());
    return StepResult::fail(report.status().message(), ntds::k_hr_error);
  }
  const std::size_t n = report->cleared + report->recovered;
  if (n == 0) return StepResult::ok("the destinations were empty");
  return StepResult::ok(std::to_string(n) + " existing file(s) " +
                        (co.action == ClearAction::remove ? "deleted" : "quarantined"));
}

RestoreRun::StepResult RestoreRun::files_copy() {
  std::vector<CopyItem> items;
  std::uint64_t total = 0;
  for (const placement::FilePlacement& f : m_resolution->files) {
    auto item = make_copy_item(*f.file, m_manifest->chunk_size, m_plan.backup_source.value, *f.destination);
    if (!item) return StepResult::fail(item.status().message());
    item->resume = m_journal->state().file(f.destination->str());
    total += item->size;
    items.push_back(std::move(*item));
  }
  CopyCallbacks cb;
  cb.chunk_verified = [&](const CopyItem& item, std::uint64_t offset, std::uint64_t chunk) {
    return record(FileProgress{item.destination.str(), offset, chunk});
  };
  cb.file_restarted = [&](const CopyItem& item, const std::string& reason) {
    warn("files.copy", item.destination.str() + ": " + reason + "; copying it again from the start");
    return record(FileRestarted{item.destination.str(), reason});
  };
  cb.file_done = [&](const CopyItem& item) {
    emit(EventType::file_done, "files.copy", EventOutcome::succeeded, item.destination.str(),
         {{"file", item.destination.str()}, {"size", item.size}});
    return record(FileDone{item.destination.str(), item.size, platform::to_hex(item.sha256)});
  };
  cb.progress = [&](const CopyProgress& p) {
    m_env.observer.on_progress(p);
    m_env.faults.at_step("files.copy", p.all_done, p.all_total);
  };
  CopyOptions co;
  co.cancel = &m_env.cancel;
  // Every chunk is checked against the manifest as it is written, which covers every byte;
  // backup.verify has already checked the whole-file hash against the same chunk hashes, so a
  // second full SHA-256 pass here would prove nothing new and cost a fifth of the copy's CPU.
  co.whole_file = WholeFileCheck::chunks;
  const Status s = copy_files(m_env.disks, items, cb, co);
  if (!s) {
    if (s.code() == Code::interrupted) return StepResult::interrupted(s.message());
    // The HRESULT handed to DsRestoreRegisterComplete: what went wrong, in Win32 terms.
    ntds::HResult hr = ntds::k_hr_error;
    if (s.code() == Code::no_space) hr = ntds::hresult_from_win32(ntds::k_error_disk_full);
    if (s.code() == Code::access_denied) hr = ntds::hresult_from_win32(ntds::k_error_access_denied);
    if (s.code() == Code::failed) hr = ntds::HResult(0xC800020E);  // hrInvalidBackup: a hash mismatch
    return StepResult::fail(s.message() + " (the copy can be resumed once the cause is fixed)", hr);
  }
  return StepResult::ok(std::to_string(items.size()) + " file(s), " + format_bytes(total) + " copied and verified");
}

}  // namespace adrestore::exec
