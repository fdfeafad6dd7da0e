#include "ntds/hresult.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "base/text.h"

namespace adrestore::ntds {
namespace {

struct Row {
  std::uint32_t value;
  const char* name;
  const char* alias;  // "" for none
  const char* meaning;
};

// ntdsbmsg.h, FACILITY_BACKUP (ntds-api.md section 4).
const Row k_backup_rows[] = {
    {0x00000000, "hrNone", "S_OK", "success"},
    {0xC0000001, "hrNyi", "", "not implemented"},
    {0xC7FF0001, "hrInvalidParam", "", "bad parameter"},
    {0xC7FF0002, "hrError", "", "internal error"},
    {0xC7FF0003, "hrInvalidHandle", "", "bad handle (DsBackupClose: no file open)"},
    {0xC7FF0004, "hrRestoreInProgress", "", "a restore is in progress"},
    {0xC7FF0005, "hrAlreadyOpen", "", "file already open"},
    {0xC7FF0006, "hrInvalidRecips", "", "invalid recipients (Exchange heritage)"},
    {0xC7FF0007, "hrCouldNotConnect", "", "cannot reach the server, service not running, or not a DC"},
    {0xC7FF0008, "hrRestoreMapExists", "", "a restore map already exists for the component"},
    {0xC7FF0009, "hrIncrementalBackupDisabled", "", "incremental backup disabled; take a full backup"},
    {0xC7FF000A, "hrLogFileNotFound", "", "a needed log file is missing"},
    {0xC7FF000B, "hrCircularLogging", "", "circular logging; incremental backup impossible"},
    {0xC7FF000C, "hrNoFullRestore", "", "incremental restore before a full one"},
    {0xC7FF000D, "hrCommunicationError", "", "communication error during local backup"},
    {0xC7FF000E, "hrFullBackupNotTaken", "", "a full backup is required first"},
    {0xC7FF000F, "hrMissingExpiryToken", "", "expiry token missing"},
    {0xC7FF0010, "hrUnknownExpiryTokenFormat", "", "expiry token not recognised"},
    {0xC7FF0011, "hrContentsExpired", "", "backup older than allowed (tombstone lifetime)"},
};

// ntdsbmsg.h, FACILITY_NTDSB (0x800): JET/ESE errors passed through the API, every code the
// header defines (warnings are 0x88000xxx). Meanings not in ntds-api.md are the names spelt out.
const Row k_ese_rows[] = {
    {0x880000C8, "hrBFNotSynchronous", "", "warning: BF not synchronous"},
    {0x880000C9, "hrBFPageNotFound", "", "warning: BF page not found"},
    {0x88000141, "hrRemainingVersions", "", "warning: remaining versions"},
    {0x88000190, "hrFLDKeyTooBig", "", "warning: FLD key too big"},
    {0x88000192, "hrFLDNullKey", "", "warning: FLD null key"},
    {0x8800022E, "hrExistingLogFileHasBadSignature", "", "warning: an existing log file has a bad signature"},
    {0x8800022F, "hrExistingLogFileIsNotContiguous", "", "warning: existing log files are not contiguous"},
    {0x880003EC, "hrColumnNull", "", "warning: column null"},
    {0x880003EE, "hrBufferTruncated", "", "warning: buffer truncated"},
    {0x880003EF, "hrDatabaseAttached", "", "warning: database attached"},
    {0x8800040F, "hrSeekNotEqual", "", "warning: seek not equal"},
    {0x88000422, "hrNoIdleActivity", "", "warning: no idle activity"},
    {0x8800042B, "hrNoWriteLock", "", "warning: no write lock"},
    {0x8800042C, "hrColumnSetNull", "", "warning: column set null"},
    {0x88000515, "hrTableEmpty", "", "warning: table empty"},
    {0x88000581, "hrCreateIndexFailed", "", "warning: create index failed"},
    {0x880005E8, "hrColumnMaxTruncated", "", "warning: column max truncated"},
    {0x8800064A, "hrwrnDataHasChanged", "", "warning: data has changed"},
    {0x88000652, "hrKeyChanged", "", "warning: key changed"},
    {0x88000715, "hrFileOpenReadOnly", "", "warning: file open read only"},
    {0xC8000066, "hrFileClose", "", "file close"},
    {0xC8000067, "hrOutOfThreads", "", "out of threads"},
    {0xC8000069, "hrTooManyIO", "", "too many IO"},
    {0xC80000CA, "hrBFInUse", "", "BF in use"},
    {0xC800012E, "hrPMRecDeleted", "", "PM rec deleted"},
    {0xC8000191, "hrFLDTooManySegments", "", "FLD too many segments"},
    {0xC80001F5, "hrLogFileCorrupt", "", "a log file is corrupt"},
    {0xC80001F7, "hrNoBackupDirectory", "", "no backup directory given"},
    {0xC80001F8, "hrBackupDirectoryNotEmpty", "", "the backup directory is not empty"},
    {0xC80001F9, "hrBackupInProgress", "", "a backup is already in progress"},
    {0xC80001FD, "hrMissingPreviousLogFile", "", "a previous log file is missing"},
    {0xC80001FE, "hrLogWriteFail", "", "log write fail"},
    {0xC8000202, "hrBadLogVersion", "", "bad log version"},
    {0xC8000203, "hrInvalidLogSequence", "", "the log sequence is invalid"},
    {0xC8000204, "hrLoggingDisabled", "", "logging disabled"},
    {0xC8000205, "hrLogBufferTooSmall", "", "log buffer too small"},
    {0xC8000207, "hrLogSequenceEnd", "", "log sequence end"},
    {0xC8000208, "hrNoBackup", "", "no backup in progress"},
    {0xC8000209, "hrInvalidBackupSequence", "", "backup calls out of sequence"},
    {0xC800020B, "hrBackupNotAllowedYet", "", "a backup is not allowed yet"},
    {0xC800020C, "hrDeleteBackupFileFail", "", "delete backup file fail"},
    {0xC800020D, "hrMakeBackupDirectoryFail", "", "cannot create the backup directory"},
    {0xC800020E, "hrInvalidBackup", "", "the backup is invalid"},
    {0xC800020F, "hrRecoveredWithErrors", "", "recovered with errors"},
    {0xC8000210, "hrMissingLogFile", "", "a log file is missing"},
    {0xC8000211, "hrLogDiskFull", "", "the log disk is full"},
    {0xC8000212, "hrBadLogSignature", "", "a log file has a bad signature"},
    {0xC8000213, "hrBadDbSignature", "", "the database has a bad signature"},
    {0xC8000214, "hrBadCheckpointSignature", "", "the checkpoint file has a bad signature"},
    {0xC8000215, "hrCheckpointCorrupt", "", "the checkpoint file is corrupt"},
    {0xC8000226, "hrDatabaseInconsistent", "", "the database is inconsistent"},
    {0xC8000227, "hrConsistentTimeMismatch", "", "database and log consistency times differ"},
    {0xC8000228, "hrPatchFileMismatch", "", "the patch file does not match the database"},
    {0xC8000229, "hrRestoreLogTooLow", "", "the restored logs start too low"},
    {0xC800022A, "hrRestoreLogTooHigh", "", "the restored logs end too high"},
    {0xC800022B, "hrGivenLogFileHasBadSignature", "", "a restored log file has a bad signature"},
    {0xC800022C, "hrGivenLogFileIsNotContiguous", "", "the restored log files are not contiguous"},
    {0xC800022D, "hrMissingRestoreLogFiles", "", "restored log files are missing"},
    {0xC8000230, "hrMissingFullBackup", "", "the full backup is missing"},
    {0xC8000231, "hrBadBackupDatabaseSize", "", "the backed-up database has a bad size"},
    {0xC80003E8, "hrTermInProgress", "", "term in progress"},
    {0xC80003E9, "hrFeatureNotAvailable", "", "feature not available"},
    {0xC80003EA, "hrInvalidName", "", "invalid name"},
    {0xC80003EB, "hrInvalidParameter", "", "invalid parameter"},
    {0xC80003F2, "hrInvalidDatabaseId", "", "invalid database id"},
    {0xC80003F3, "hrOutOfMemory", "", "out of memory"},
    {0xC80003F4, "hrOutOfDatabaseSpace", "", "out of database space"},
    {0xC80003F5, "hrOutOfCursors", "", "out of cursors"},
    {0xC80003F6, "hrOutOfBuffers", "", "out of buffers"},
    {0xC80003F7, "hrTooManyIndexes", "", "too many indexes"},
    {0xC80003F8, "hrTooManyKeys", "", "too many keys"},
    {0xC80003F9, "hrRecordDeleted", "", "record deleted"},
    {0xC80003FA, "hrReadVerifyFailure", "", "read verify failure"},
    {0xC80003FC, "hrOutOfFileHandles", "", "out of file handles"},
    {0xC80003FE, "hrDiskIO", "", "disk IO"},
    {0xC80003FF, "hrInvalidPath", "", "invalid path"},
    {0xC8000402, "hrRecordTooBig", "", "record too big"},
    {0xC8000403, "hrTooManyOpenDatabases", "", "too many open databases"},
    {0xC8000404, "hrInvalidDatabase", "", "invalid database"},
    {0xC8000405, "hrNotInitialized", "", "not initialized"},
    {0xC8000406, "hrAlreadyInitialized", "", "already initialized"},
    {0xC8000408, "hrFileAccessDenied", "", "file access denied"},
    {0xC800040E, "hrBufferTooSmall", "", "buffer too small"},
    {0xC8000410, "hrTooManyColumns", "", "too many columns"},
    {0xC8000413, "hrContainerNotEmpty", "", "container not empty"},
    {0xC8000414, "hrInvalidFilename", "", "invalid filename"},
    {0xC8000415, "hrInvalidBookmark", "", "invalid bookmark"},
    {0xC8000416, "hrColumnInUse", "", "column in use"},
    {0xC8000417, "hrInvalidBufferSize", "", "invalid buffer size"},
    {0xC8000418, "hrColumnNotUpdatable", "", "column not updatable"},
    {0xC800041B, "hrIndexInUse", "", "index in use"},
    {0xC800041D, "hrNullKeyDisallowed", "", "null key disallowed"},
    {0xC800041E, "hrNotInTransaction", "", "not in transaction"},
    {0xC8000423, "hrTooManyActiveUsers", "", "too many active users"},
    {0xC8000425, "hrInvalidCountry", "", "invalid country"},
    {0xC8000426, "hrInvalidLanguageId", "", "invalid language id"},
    {0xC8000427, "hrInvalidCodePage", "", "invalid code page"},
    {0xC800042D, "hrVersionStoreOutOfMemory", "", "version store out of memory"},
    {0xC800042E, "hrCurrencyStackOutOfMemory", "", "currency stack out of memory"},
    {0xC800044D, "hrOutOfSessions", "", "out of sessions"},
    {0xC800044E, "hrWriteConflict", "", "write conflict"},
    {0xC800044F, "hrTransTooDeep", "", "trans too deep"},
    {0xC8000450, "hrInvalidSesid", "", "invalid sesid"},
    {0xC8000453, "hrSessionWriteConflict", "", "session write conflict"},
    {0xC8000454, "hrInTransaction", "", "in transaction"},
    {0xC80004B1, "hrDatabaseDuplicate", "", "database duplicate"},
    {0xC80004B2, "hrDatabaseInUse", "", "database in use"},
    {0xC80004B3, "hrDatabaseNotFound", "", "database not found"},
    {0xC80004B4, "hrDatabaseInvalidName", "", "database invalid name"},
    {0xC80004B5, "hrDatabaseInvalidPages", "", "database invalid pages"},
    {0xC80004B6, "hrDatabaseCorrupted", "", "database corrupted"},
    {0xC80004B7, "hrDatabaseLocked", "", "database locked"},
    {0xC8000516, "hrTableLocked", "", "table locked"},
    {0xC8000517, "hrTableDuplicate", "", "table duplicate"},
    {0xC8000518, "hrTableInUse", "", "table in use"},
    {0xC8000519, "hrObjectNotFound", "", "object not found"},
    {0xC800051A, "hrCannotRename", "", "cannot rename"},
    {0xC800051B, "hrDensityInvalid", "", "density invalid"},
    {0xC800051C, "hrTableNotEmpty", "", "table not empty"},
    {0xC800051E, "hrInvalidTableId", "", "invalid table id"},
    {0xC800051F, "hrTooManyOpenTables", "", "too many open tables"},
    {0xC8000520, "hrIllegalOperation", "", "illegal operation"},
    {0xC8000522, "hrObjectDuplicate", "", "object duplicate"},
    {0xC8000524, "hrInvalidObject", "", "invalid object"},
    {0xC8000579, "hrIndexCantBuild", "", "index cant build"},
    {0xC800057A, "hrIndexHasPrimary", "", "index has primary"},
    {0xC800057B, "hrIndexDuplicate", "", "index duplicate"},
    {0xC800057C, "hrIndexNotFound", "", "index not found"},
    {0xC800057D, "hrIndexMustStay", "", "index must stay"},
    {0xC800057E, "hrIndexInvalidDef", "", "index invalid def"},
    {0xC8000580, "hrIndexHasClustered", "", "index has clustered"},
    {0xC8000582, "hrTooManyOpenIndexes", "", "too many open indexes"},
    {0xC80005DD, "hrColumnLong", "", "column long"},
    {0xC80005DF, "hrColumnDoesNotFit", "", "column does not fit"},
    {0xC80005E0, "hrNullInvalid", "", "null invalid"},
    {0xC80005E1, "hrColumnIndexed", "", "column indexed"},
    {0xC80005E2, "hrColumnTooBig", "", "column too big"},
    {0xC80005E3, "hrColumnNotFound", "", "column not found"},
    {0xC80005E4, "hrColumnDuplicate", "", "column duplicate"},
    {0xC80005E6, "hrColumn2ndSysMaint", "", "column second sys maint"},
    {0xC80005E7, "hrInvalidColumnType", "", "invalid column type"},
    {0xC80005E9, "hrColumnCannotIndex", "", "column cannot index"},
    {0xC80005EA, "hrTaggedNotNULL", "", "tagged not NULL"},
    {0xC80005EB, "hrNoCurrentIndex", "", "no current index"},
    {0xC80005EC, "hrKeyIsMade", "", "key is made"},
    {0xC80005ED, "hrBadColumnId", "", "bad column id"},
    {0xC80005EE, "hrBadItagSequence", "", "bad itag sequence"},
    {0xC80005F1, "hrCannotBeTagged", "", "cannot be tagged"},
    {0xC8000641, "hrRecordNotFound", "", "record not found"},
    {0xC8000643, "hrNoCurrentRecord", "", "no current record"},
    {0xC8000644, "hrRecordClusteredChanged", "", "record clustered changed"},
    {0xC8000645, "hrKeyDuplicate", "", "key duplicate"},
    {0xC8000647, "hrAlreadyPrepared", "", "already prepared"},
    {0xC8000648, "hrKeyNotMade", "", "key not made"},
    {0xC8000649, "hrUpdateNotPrepared", "", "update not prepared"},
    {0xC800064B, "hrerrDataHasChanged", "", "data has changed"},
    {0xC80006A5, "hrTooManySorts", "", "too many sorts"},
    {0xC80006A6, "hrInvalidOnSort", "", "invalid on sort"},
    {0xC800070B, "hrTempFileOpenError", "", "temp file open error"},
    {0xC800070D, "hrTooManyAttachedDatabases", "", "too many attached databases"},
    {0xC8000710, "hrDiskFull", "", "disk full"},
    {0xC8000711, "hrPermissionDenied", "", "permission denied"},
    {0xC8000713, "hrFileNotFound", "", "file not found"},
    {0xC800073A, "hrAfterInitialization", "", "after initialization"},
    {0xC800073C, "hrLogCorrupted", "", "log corrupted"},
    {0xC8000772, "hrInvalidOperation", "", "invalid operation"},
    {0xC8000773, "hrAccessDenied", "", "access denied"},
};

// winerror.h: Win32 errors the API documents or a restore meets.
const Row k_win32_rows[] = {
    {2, "ERROR_FILE_NOT_FOUND", "", "the file cannot be found"},
    {3, "ERROR_PATH_NOT_FOUND", "", "the path cannot be found"},
    {5, "ERROR_ACCESS_DENIED", "", "access denied"},
    {6, "ERROR_INVALID_HANDLE", "", "the handle is invalid"},
    {8, "ERROR_NOT_ENOUGH_MEMORY", "", "not enough memory"},
    {14, "ERROR_OUTOFMEMORY", "", "not enough storage"},
    {21, "ERROR_NOT_READY", "", "the device is not ready"},
    {23, "ERROR_CRC", "", "data error (cyclic redundancy check)"},
    {29, "ERROR_WRITE_FAULT", "", "the device cannot be written to"},
    {30, "ERROR_READ_FAULT", "", "the device cannot be read from"},
    {32, "ERROR_SHARING_VIOLATION", "", "the file is in use by another process"},
    {33, "ERROR_LOCK_VIOLATION", "", "part of the file is locked"},
    {38, "ERROR_HANDLE_EOF", "", "reached the end of the file"},
    {39, "ERROR_HANDLE_DISK_FULL", "", "the disk is full"},
    {50, "ERROR_NOT_SUPPORTED", "", "the request is not supported"},
    {53, "ERROR_BAD_NETPATH", "", "the network path was not found"},
    {64, "ERROR_NETNAME_DELETED", "", "the network name is no longer available"},
    {80, "ERROR_FILE_EXISTS", "", "the file exists"},
    {87, "ERROR_INVALID_PARAMETER", "", "the parameter is incorrect"},
    {112, "ERROR_DISK_FULL", "", "not enough space on the disk"},
    {122, "ERROR_INSUFFICIENT_BUFFER", "", "the data area passed is too small"},
    {123, "ERROR_INVALID_NAME", "", "the file name or directory name syntax is incorrect"},
    {145, "ERROR_DIR_NOT_EMPTY", "", "the directory is not empty"},
    {183, "ERROR_ALREADY_EXISTS", "", "cannot create a file that already exists"},
    {234, "ERROR_MORE_DATA", "", "more data is available"},
    {267, "ERROR_DIRECTORY", "", "the directory name is invalid"},
    {995, "ERROR_OPERATION_ABORTED", "", "the I/O operation was aborted"},
    {1062, "ERROR_SERVICE_NOT_ACTIVE", "", "the service has not been started"},
    {1117, "ERROR_IO_DEVICE", "", "an I/O device error"},
    {1223, "ERROR_CANCELLED", "", "the operation was cancelled by the user"},
    {1300, "ERROR_NOT_ALL_ASSIGNED", "", "not all privileges referenced are assigned to the caller"},
    {1313, "ERROR_NO_SUCH_PRIVILEGE", "", "a specified privilege does not exist"},
    {1314, "ERROR_PRIVILEGE_NOT_HELD", "", "a required privilege is not held by the client"},
    {1326, "ERROR_LOGON_FAILURE", "", "unknown user name or bad password"},
    {1460, "ERROR_TIMEOUT", "", "the operation timed out"},
};

// winerror.h: RPC errors (the API is an RPC client).
const Row k_rpc_rows[] = {
    {1700, "RPC_S_INVALID_STRING_BINDING", "", "the string binding is invalid"},
    {1701, "RPC_S_WRONG_KIND_OF_BINDING", "", "the binding handle is not the correct type"},
    {1702, "RPC_S_INVALID_BINDING", "", "the binding handle is invalid (called remotely, or not a DC)"},
    {1703, "RPC_S_PROTSEQ_NOT_SUPPORTED", "", "the RPC protocol sequence is not supported"},
    {1713, "RPC_S_ALREADY_LISTENING", "hrAlreadyListening", "the RPC server is already listening"},
    {1722, "RPC_S_SERVER_UNAVAILABLE", "", "the RPC server is unavailable"},
    {1723, "RPC_S_SERVER_TOO_BUSY", "", "the RPC server is too busy"},
    {1726, "RPC_S_CALL_FAILED", "", "the remote procedure call failed"},
    {1727, "RPC_S_CALL_FAILED_DNE", "", "the remote procedure call failed and did not execute"},
    {1728, "RPC_S_PROTOCOL_ERROR", "", "an RPC protocol error occurred"},
    {1747, "RPC_S_UNKNOWN_AUTHN_SERVICE", "", "the authentication service is unknown"},
    {1753, "EPT_S_NOT_REGISTERED", "", "no more endpoints are available from the endpoint mapper"},
    {1818, "RPC_S_CALL_CANCELLED", "", "the remote procedure call was cancelled"},
};

// Well-known COM names; the wrapped Win32 forms with an E_ name use it as canonical name.
const Row k_com_rows[] = {
    {0x80004001, "E_NOTIMPL", "", "not implemented"},
    {0x80004003, "E_POINTER", "", "invalid pointer"},
    {0x80004005, "E_FAIL", "", "unspecified failure"},
    {0x8000FFFF, "E_UNEXPECTED", "", "catastrophic failure"},
};

const std::map<std::uint32_t, const char*>& e_names_for_wrapped() {
  static const std::map<std::uint32_t, const char*> m = {
      {0x80070005, "E_ACCESSDENIED"},
      {0x80070006, "E_HANDLE"},
      {0x8007000E, "E_OUTOFMEMORY"},
      {0x80070057, "E_INVALIDARG"},
  };
  return m;
}

std::vector<HResultInfo> build_table() {
  std::vector<HResultInfo> t;
  auto add_rows = [&](const Row* begin, const Row* end, const char* group) {
    for (const Row* r = begin; r != end; ++r) {
      HResultInfo info{r->value, r->name, {}, group, r->meaning};
      if (*r->alias) info.aliases.push_back(r->alias);
      if (r->value == 0) {
        info.aliases.push_back("ERROR_SUCCESS");
        info.aliases.push_back("NO_ERROR");
      }
      t.push_back(std::move(info));
    }
  };
  add_rows(std::begin(k_backup_rows), std::end(k_backup_rows), "backup");
  add_rows(std::begin(k_ese_rows), std::end(k_ese_rows), "ese");
  add_rows(std::begin(k_win32_rows), std::end(k_win32_rows), "win32");
  add_rows(std::begin(k_rpc_rows), std::end(k_rpc_rows), "rpc");
  // HRESULT_FROM_WIN32 forms of every Win32 and RPC row.
  auto add_wrapped = [&](const Row* begin, const Row* end) {
    for (const Row* r = begin; r != end; ++r) {
      const std::uint32_t v = hresult_from_win32(r->value).value();
      const std::string wrapped = std::string("HRESULT_FROM_WIN32(") + r->name + ")";
      HResultInfo info{v, wrapped, {}, "win32 (HRESULT_FROM_WIN32)", r->meaning};
      auto e = e_names_for_wrapped().find(v);
      if (e != e_names_for_wrapped().end()) {
        info.name = e->second;
        info.aliases.push_back(wrapped);
      }
      t.push_back(std::move(info));
    }
  };
  add_wrapped(std::begin(k_win32_rows), std::end(k_win32_rows));
  add_wrapped(std::begin(k_rpc_rows), std::end(k_rpc_rows));
  add_rows(std::begin(k_com_rows), std::end(k_com_rows), "com");
  return t;
}

std::optional<std::uint32_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string s(text);
  if (starts_with(to_lower_ascii(s), "0x")) {
    if (s.size() < 3 || s.size() > 10) return std::nullopt;
    for (std::size_t i = 2; i < s.size(); ++i) {
      if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    }
    return static_cast<std::uint32_t>(std::strtoul(s.c_str() + 2, nullptr, 16));
  }
  const std::size_t from = s[0] == '-' ? 1 : 0;
  if (from == s.size() || s.size() - from > 10) return std::nullopt;
  for (std::size_t i = from; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  errno = 0;
  const long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno != 0 || v < INT32_MIN || v > static_cast<long long>(UINT32_MAX)) return std::nullopt;
  return static_cast<std::uint32_t>(static_cast<std::int64_t>(v) & 0xFFFFFFFFLL);
}

const HResultInfo* find_by_name(std::string_view name) {
  for (const HResultInfo& info : hresult_table()) {
    if (iequals(info.name, name)) return &info;
    for (const std::string& a : info.aliases) {
      if (iequals(a, name)) return &info;
    }
  }
  return nullptr;
}

}  // namespace

const std::vector<HResultInfo>& hresult_table() {
  static const std::vector<HResultInfo> table = build_table();
  return table;
}

const HResultInfo* find_hresult(HResult hr) {
  for (const HResultInfo& info : hresult_table()) {
    if (info.value == hr.value()) return &info;
  }
  return nullptr;
}

std::string hresult_hex(HResult hr) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", hr.value());
  return buf;
}

std::string hresult_name(HResult hr) {
  const HResultInfo* info = find_hresult(hr);
  return info ? info->name : hresult_hex(hr);
}

std::string describe_hresult(HResult hr) {
  const HResultInfo* info = find_hresult(hr);
  if (!info) return hresult_hex(hr);
  return info->name + " (" + hresult_hex(hr) + ")";
}

Result<HResult> parse_hresult(std::string_view text) {
  const std::string shown = escape_for_terminal(text);
  if (text.empty()) return Status::error(Code::invalid_input, "an HRESULT is empty; use a name like hrCouldNotConnect or a number like 0xC7FF0007");
  if (auto n = parse_number(text)) return HResult(*n);
  const std::string lower = to_lower_ascii(text);
  const std::string prefix = "hresult_from_win32(";
  if (starts_with(lower, prefix) && ends_with(lower, ")")) {
    const std::string_view inner = text.substr(prefix.size(), text.size() - prefix.size() - 1);
    if (auto n = parse_number(inner)) return hresult_from_win32(*n);
    const HResultInfo* info = find_by_name(inner);
    if (info && (info->group == "win32" || info->group == "rpc")) return hresult_from_win32(info->value);
    return Status::error(Code::invalid_input, "'" + shown + "': HRESULT_FROM_WIN32 needs a Win32 or RPC error name or number");
  }
  if (const HResultInfo* info = find_by_name(text)) return HResult(info->value);
  std::vector<std::string> names;
  for (const HResultInfo& info : hresult_table()) {
    names.push_back(info.name);
    for (const std::string& a : info.aliases) names.push_back(a);
  }
  std::string msg = "'" + shown + "' is not a known HRESULT name or number";
  if (auto guess = did_you_mean(std::string(text), names)) {
    msg += "; did you mean '" + *guess + "'?";
  } else {
    msg += " (see doc/hresults.md; numbers are written 0xC7FF0007 or 5)";
  }
  return Status::error(Code::invalid_input, msg);
}

std::string hresult_table_markdown() {
  std::string out = "| name | value | group | also accepted as | meaning |\n|---|---|---|---|---|\n";
  for (const HResultInfo& info : hresult_table()) {
    out += "| " + info.name + " | " + hresult_hex(HResult(info.value)) + " | " + info.group + " | " +
           join(info.aliases, ", ") + " | " + info.meaning + " |\n";
  }
  return out;
}

}  // namespace adrestore::ntds
