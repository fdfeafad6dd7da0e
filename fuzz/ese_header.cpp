// The ESE header parsers (backup/ese_header.h), which read the first 4096 bytes of a backup
// set's database, logs and checkpoint. Byte 0 picks the parser (database, log, checkpoint);
// the rest is the file's start. A header the parser accepts, written again by its writer,
// parses to the same fields.
#include "backup/ese_header.h"
#include "check.h"

using namespace adrestore;
using namespace adrestore::backup;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t* head = data + 1;
  const std::size_t n = size - 1;
  switch (data[0] % 3) {
    case 0: {
      auto h = parse_ese_database_header(head, n);
      if (!h) return 0;
      const EseHeaderBytes again = write_ese_database_header(*h);
      auto back = parse_ese_database_header(again.data(), again.size());
      FUZZ_CHECK(back.is_ok());
      FUZZ_CHECK(back->state == h->state && back->page_size == h->page_size);
      FUZZ_CHECK(back->db_signature == h->db_signature && back->log_signature == h->log_signature);
      FUZZ_CHECK(back->required_low == h->required_low && back->required_high == h->required_high);
      (void)h->log_signature.text();
      break;
    }
    case 1: {
      auto h = parse_ese_log_header(head, n);
      if (!h) return 0;
      const EseHeaderBytes again = write_ese_log_header(*h);
      auto back = parse_ese_log_header(again.data(), again.size());
      FUZZ_CHECK(back.is_ok());
      FUZZ_CHECK(back->generation == h->generation && back->page_size == h->page_size);
      FUZZ_CHECK(back->log_signature == h->log_signature);
      (void)h->log_signature.text();
      break;
    }
    default: {
      auto h = parse_ese_checkpoint_header(head, n);
      if (!h) return 0;
      const EseHeaderBytes again = write_ese_checkpoint_header(*h);
      auto back = parse_ese_checkpoint_header(again.data(), again.size());
      FUZZ_CHECK(back.is_ok());
      FUZZ_CHECK(back->generation == h->generation && back->log_signature == h->log_signature);
      break;
    }
  }
  return 0;
}
