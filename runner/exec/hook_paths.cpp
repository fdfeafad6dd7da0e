// Where a hook's program and working directory are on this host (hook_runner.h).
#include "exec/hook_runner.h"
#include "platform/process.h"

namespace adrestore::exec {
namespace {

bool looks_like_path(const std::string& program) {
  return program.find_first_of("\\/") != std::string::npos || (program.size() >= 2 && program[1] == ':');
}

}  // namespace

ProgramResolver disks_program_resolver(host::Disks& disks, std::string path_value) {
  return [&disks, path_value = std::move(path_value)](const std::string& program) -> Result<std::string> {
    if (!looks_like_path(program)) return platform::find_on_path(program, path_value);
    Result<WinPath> wp = WinPath::parse(program);
    if (!wp) return Status::error(Code::invalid_input, "hook program " + program + ": " + wp.status().message());
    Result<std::string> host = disks.host_path(*wp);
    if (!host) return host.status().with_context("hook program " + program);
    Result<platform::FileInfo> info = disks.stat(*wp);
    if (!info) return info.status().with_context("hook program " + program);
    switch (info->type) {
      case platform::FileType::missing:
        return Status::error(Code::not_found, "hook program " + program + " does not exist (looked for " + *host + ")");
      case platform::FileType::regular:
#ifndef _WIN32
        if (!info->executable) {
          return Status::error(Code::refused, "hook program " + program + " is not executable (" + *host + ")");
        }
#endif
        return *host;
      case platform::FileType::symlink:
        return *host;  // the system follows it when it runs the program
      case platform::FileType::directory:
      case platform::FileType::other:
        break;
    }
    return Status::error(Code::refused, "hook program " + program + " is not a file (" + *host + ")");
  };
}

DirResolver disks_dir_resolver(host::Disks& disks) {
  return [&disks](const WinPath& dir) -> Result<std::string> {
    Result<std::string> host = disks.host_path(dir);
    if (!host) return host.status();
    Result<platform::FileInfo> info = disks.stat(dir);
    if (!info) return info.status();
    if (info->type != platform::FileType::directory) {
      return Status::error(Code::not_found, "working directory " + dir.str() + " is not a directory (" + *host + ")");
    }
    return *host;
  };
}

}  // namespace adrestore::exec
