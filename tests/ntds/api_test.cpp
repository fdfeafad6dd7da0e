#include <doctest/doctest.h>

#include "ntds/api.h"
#include "ntds/hresult_doctest.h"

using namespace adrestore;
using namespace adrestore::ntds;

TEST_SUITE("ntds") {
  TEST_CASE("BFT codes are the header's values, not the doc table's") {
    CHECK(k_bft_log_dir == 0x82);
    CHECK(k_bft_checkpoint_dir == 0x83);
    CHECK(k_bft_ntds_database == 0x44);
    CHECK(k_bft_log == 0x21);
    CHECK(k_bft_patch_file == 0x25);
    CHECK(bft_name(0x82) == "BFT_LOG_DIR (0x82)");
    CHECK(bft_name(0x22) == "BFT 0x22");
  }

  TEST_CASE("a BFT list round-trips through the double-NUL format") {
    const BftList list = {{k_bft_ntds_database, "C:\\Windows\\NTDS\\ntds.dit"}, {k_bft_log_dir, "\\\\DC01\\C$\\Windows\\NTDS"}};
    const std::string raw = format_bft_list(list);
    CHECK(raw.size() == 1 + 24 + 1 + 1 + 22 + 1 + 1);
    CHECK(raw.back() == '\0');
    CHECK(static_cast<unsigned char>(raw[0]) == 0x44);
    auto back = parse_bft_list(raw);
    REQUIRE(back.is_ok());
    CHECK(*back == list);
  }

  TEST_CASE("an empty list is one NUL; only the final extra NUL may be missing, a cut-off entry is refused") {
    CHECK(format_bft_list({}) == std::string(1, '\0'));
    CHECK(parse_bft_list(std::string(1, '\0'))->empty());
    CHECK(parse_bft_list("")->empty());
    auto no_final = parse_bft_list(std::string("\x21" "C:\\a.log\0", 10));
    REQUIRE(no_final.is_ok());
    CHECK(no_final->size() == 1);
    auto cut = parse_bft_list(std::string("\x21"
                                          "C:\\a.log"));
    REQUIRE_FALSE(cut.is_ok());
    CHECK(cut.status().message().find("cut off") != std::string::npos);
  }

  TEST_CASE("malformed lists are refused") {
    CHECK_FALSE(parse_bft_list(std::string("\x21\0\0", 3)).is_ok());                   // a code but no path
    CHECK_FALSE(parse_bft_list(std::string("\x21" "C:\\a\0\0junk", 11)).is_ok());       // data after the end
    CHECK(parse_bft_list(std::string("\x21" "C:\\a\0\0\0\0", 8)).is_ok());             // NUL padding is fine
  }

  TEST_CASE("call names map both ways") {
    for (Call c : all_calls()) CHECK(call_from_name(call_name(c)) == c);
    CHECK(std::string(call_name(Call::restore_get_database_locations)) == "DsRestoreGetDatabaseLocations");
    CHECK_FALSE(call_from_name("DsRestoreFoo").has_value());
  }

  TEST_CASE("local_form turns this machine's administrative shares into drive paths") {
    const std::vector<std::string> me = {"DC01", "DC01.corp.example.com"};
    CHECK(local_form(*WinPath::parse("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit"), me).str() == "C:\\Windows\\NTDS\\ntds.dit");
    CHECK(local_form(*WinPath::parse("\\\\dc01.corp.example.com\\e$\\NTDS"), me).str() == "E:\\NTDS");
    CHECK(local_form(*WinPath::parse("\\\\DC01\\C$"), me).str() == "C:\\");
    CHECK(local_form(*WinPath::parse("\\\\DC02\\C$\\x"), me).str() == "\\\\DC02\\C$\\x");  // another machine
    CHECK(local_form(*WinPath::parse("\\\\DC01\\share\\x"), me).str() == "\\\\DC01\\share\\x");  // not an admin share
    CHECK(local_form(*WinPath::parse("D:\\x"), me).str() == "D:\\x");
  }

  TEST_CASE("ScopedBuffer frees once and only a real buffer") {
    struct CountingApi : Api {
      int frees = 0;
      const char* backend_name() const override { return "count"; }
      HResult is_ntds_online(const std::string&, bool&) override { return {}; }
      HResult set_auth_identity(const std::string&, const std::string&, const std::string&) override { return {}; }
      HResult backup_prepare(const std::string&, std::uint32_t, std::uint32_t, ExpiryToken&, ApiBuffer&, Hbc&) override { return {}; }
      HResult backup_get_database_names(Hbc, BftList&, ApiBuffer&) override { return {}; }
      HResult backup_open_file(Hbc, const std::string&, std::uint32_t, std::uint64_t&) override { return {}; }
      HResult backup_read(Hbc, void*, std::uint32_t, std::uint32_t&) override { return {}; }
      HResult backup_close(Hbc) override { return {}; }
      HResult backup_get_backup_logs(Hbc, BftList&, ApiBuffer&) override { return {}; }
      HResult backup_truncate_logs(Hbc) override { return {}; }
      HResult backup_end(Hbc) override { return {}; }
      void backup_free(ApiBuffer) override { ++frees; }
      HResult restore_prepare(const std::string&, std::uint32_t, const std::optional<ExpiryToken>&, Hbc&) override { return {}; }
      HResult restore_get_database_locations(Hbc, BftList&, ApiBuffer&) override { return {}; }
      HResult restore_register(Hbc, const std::string&, const std::string&, const std::vector<RestoreMapEntry>&,
                               const std::string&, std::uint32_t, std::uint32_t) override { return {}; }
      HResult restore_register_complete(Hbc, HResult) override { return {}; }
      HResult restore_end(Hbc) override { return {}; }
    } api;
    {
      ScopedBuffer none(api);
    }
    CHECK(api.frees == 0);
    {
      ScopedBuffer b(api);
      b.get() = ApiBuffer{7};
      b.reset();
      b.reset();
    }
    CHECK(api.frees == 1);
  }
}
