// The three outputs of `adrestore verify`: text for a person, one JSON document, and JUnit
// XML (one test case per set file plus the set-level checks) for a CI job's test report.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "backup/verify.h"

namespace adrestore::cli {

struct VerifyReport {
  std::string source;  // the set as the user named it
  backup::SetVerification set;
  double seconds = 0;
  std::int64_t max_age_seconds = 0;
  bool ok() const { return set.result.ok(); }
};

// The set-level checks every report lists (JUnit test cases, JSON "checks"), in order, and
// the check a set-level problem belongs to. A problem kind the list does not name (a check
// added later, such as the ESE headers or the signature) is a check of its own name.
std::vector<std::string> set_check_names(const backup::VerifyResult& r);
std::string set_check_of(backup::ProblemKind kind);

void write_verify_text(std::ostream& out, const VerifyReport& r, bool color);
void write_verify_json(std::ostream& out, const VerifyReport& r);
void write_verify_junit(std::ostream& out, const VerifyReport& r);

}  // namespace adrestore::cli
