# The fuzz build compiles only the core sources the targets link: with coverage, ASan and UBSan
# every file takes clang seconds to minutes, and the CLI and executor files, which no reader
# needs, are the slowest (doc/fuzzing.md, Build time). A target that fails to link after a
# file moved or a target grew names the file to add here.
list(FILTER ADRESTORE_CORE_SOURCES INCLUDE REGEX
  "runner/(base/|input/|plan/|graph/|forest/|placement/(destinations|preview|render_json|render_text|render_util)\\.cpp|ntds/(api|hresult|wide_list)\\.cpp|backup/(manifest|manifest_write|encoding|json_tree|ese_header|signature_file)\\.cpp|exec/(journal|journal_records|run_state|crc32c)\\.cpp|sim/(world_json|faults)\\.cpp|plantest/load\\.cpp|platform/(fs_common|fs_posix|win_argv|key_files|ed25519_openssl_posix|sha256_common|sha256_openssl_posix)\\.cpp|host/(host|win32_commands)\\.cpp|cli/report\\.cpp)")
